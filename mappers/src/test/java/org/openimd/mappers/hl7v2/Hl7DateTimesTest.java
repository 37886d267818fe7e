package org.openimd.mappers.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class Hl7DateTimesTest {

	private static final ZoneId VIENNA = ZoneId.of("Europe/Vienna");

	@Test
	void keepsTheSendersOffset() {
		Hl7DateTimes.Converted converted = Hl7DateTimes.toFhir("20091025100000+0100", VIENNA).orElseThrow();

		assertThat(converted.value().getValueAsString()).isEqualTo("2009-10-25T10:00:00+01:00");
		assertThat(converted.zoneAssumed()).isFalse();
	}

	@Test
	void assumesTheSendersZoneWithItsSummerTime() {
		Hl7DateTimes.Converted converted = Hl7DateTimes.toFhir("20090501000000", VIENNA).orElseThrow();

		assertThat(converted.value().getValueAsString()).isEqualTo("2009-05-01T00:00:00+02:00");
		assertThat(converted.zoneAssumed()).isTrue();
	}

	@Test
	void keepsDatePrecisionWithoutInventingATime() {
		assertThat(Hl7DateTimes.toFhir("19730422", VIENNA).orElseThrow().value().getValueAsString()).isEqualTo("1973-04-22");
		assertThat(Hl7DateTimes.toFhir("200903", VIENNA).orElseThrow().value().getValueAsString()).isEqualTo("2009-03");
	}

	@Test
	void rejectsWhatIsNotADateTime() {
		assertThat(Hl7DateTimes.toFhir("yesterday", VIENNA)).isEmpty();
		assertThat(Hl7DateTimes.toFhir("20091345", VIENNA)).isEmpty();
	}
}
