package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.alerts.AlertKnowledge;

class LongevityTest {

	private static final Instant IMPLANTED = Instant.parse("2015-01-01T00:00:00Z");

	/**
	 * 31 devices: 8 followed 2.5 years and not at RRT, 12 at RRT at 4.5 years, 11 followed 7.5 years
	 * and not at RRT. At 4.5 years 23 are still followed, 12 of them reach RRT: 1 − 12/23 = 0.478. Had
	 * the 8 followed only 2.5 years been counted as lasting, it would be 1 − 12/31 = 0.613 and no median.
	 */
	@Test
	void theEstimateCountsADeviceNotYetAtReplacementOnlyWhileItWasFollowed() {
		List<Longevity.ImplantedDevice> devices = new ArrayList<>();
		IntStream.range(0, 8).forEach(index -> devices.add(device("short-" + index, 2.5, false)));
		IntStream.range(0, 12).forEach(index -> devices.add(device("rrt-" + index, 4.5, true)));
		IntStream.range(0, 11).forEach(index -> devices.add(device("long-" + index, 7.5, false)));

		assertThat(Longevity.survival(devices, 11)).extracting(Longevity.SurvivalPoint::yearsSinceImplant, Longevity.SurvivalPoint::atRisk)
				.containsExactly(pair(1, 31), pair(2, 31), pair(3, 23), pair(4, 23), pair(5, 11), pair(6, 11), pair(7, 11));
		assertThat(Longevity.survival(devices, 11).get(4).survival()).isCloseTo(11.0 / 23, offset(1e-9));
		assertThat(Longevity.survival(devices, 11).get(3).survival()).isEqualTo(1.0);
		assertThat(Longevity.medianYears(devices, 11).orElseThrow()).isCloseTo(4.5, offset(1e-9));
		assertThat(Longevity.survival(devices, 12)).as("with k = 12 the 11 still followed after year 4 are too few")
				.extracting(Longevity.SurvivalPoint::yearsSinceImplant).containsExactly(1, 2, 3, 4);
	}

	@Test
	void noPointDescribesFewerThanKDevicesAtReplacement() {
		List<Longevity.ImplantedDevice> devices = new ArrayList<>();
		IntStream.range(0, 3).forEach(index -> devices.add(device("early-" + index, 1.5, true)));
		IntStream.range(0, 9).forEach(index -> devices.add(device("later-" + index, 3.5, true)));
		IntStream.range(0, 20).forEach(index -> devices.add(device("lasting-" + index, 6.2, false)));

		// 3 at RRT by year 2 and 3 would describe 3 devices; by year 4, 12 have reached it
		assertThat(Longevity.survival(devices, 11)).extracting(Longevity.SurvivalPoint::yearsSinceImplant).containsExactly(1, 4, 5, 6);
		assertThat(Longevity.survival(devices, 11).get(1).survival()).isCloseTo((1 - 3.0 / 32) * (1 - 9.0 / 29), offset(1e-9));
		assertThat(Longevity.medianYears(devices, 11)).as("never at or below one half").isEmpty();
	}

	@Test
	void voltageQuartilesAreEachDevicesLastReadingOfTheYearAndYearsOfFewPatientsAreLeftOut() {
		List<Longevity.ImplantedDevice> devices = new ArrayList<>();
		for (int index = 0; index < 31; index++) {
			List<YearlyDistribution.Reading> voltages = new ArrayList<>(List.of(new YearlyDistribution.Reading(0.2, 2.0),
					new YearlyDistribution.Reading(0.5, 3.00 + 0.02 * index)));
			if (index < 4) {
				voltages.add(new YearlyDistribution.Reading(5.5, 2.6));
			}
			devices.add(new Longevity.ImplantedDevice("Device/" + index, "patient-" + index, "Acme", "M", 6, false, voltages));
		}
		List<YearlyDistribution.Year> years = YearlyDistribution.of(devices, Longevity.ImplantedDevice::voltages, 11);
		assertThat(years).hasSize(1);
		assertThat(years.get(0).yearsSinceImplant()).isZero();
		assertThat(years.get(0).patients()).isEqualTo(31);
		assertThat(years.get(0).median()).isCloseTo(3.30, offset(1e-9));
		assertThat(years.get(0).lowerQuartile()).isCloseTo(3.15, offset(1e-9));
		assertThat(years.get(0).upperQuartile()).isCloseTo(3.45, offset(1e-9));
		assertThat(YearlyDistribution.quantile(List.of(1.0, 2.0, 4.0, 8.0), 0.5)).isEqualTo(3.0);
	}

	@Test
	void replacementIsReadFromTheBatteryStatusAsTheAlertRulesReadItOrFromTheTimeTheDeviceSaysItReachedIt() {
		Longevity longevity = new Longevity(AlertKnowledge.load());
		Instant atRrt = after(4.5);
		assertThat(longevity.of(history(interrogation(after(1), coded("754113")), interrogation(atRrt, coded("754115")),
				interrogation(after(5), coded("754115")))).orElseThrow()).satisfies(device -> {
					assertThat(device.reachedReplacement()).isTrue();
					assertThat(device.years()).isCloseTo(4.5, offset(1e-6));
				});
		assertThat(longevity.of(history(interrogation(after(1), coded("754113")), interrogation(atRrt, text("ERI")))).orElseThrow().years())
				.isCloseTo(4.5, offset(1e-6));
		ObservationComponentComponent reachedAt = component(Longevity.RRT_REACHED, new DateTimeType(Date.from(atRrt)));
		Longevity.ImplantedDevice toldLater = longevity.of(history(interrogation(after(1), coded("754113")),
				interrogation(after(5.5), text("EOS"), reachedAt))).orElseThrow();
		assertThat(toldLater.reachedReplacement()).isTrue();
		assertThat(toldLater.years()).isCloseTo(4.5, offset(1e-6));
		Longevity.ImplantedDevice lasting = longevity.of(history(interrogation(after(1), coded("754113")), interrogation(after(3), text("BOS SVT")))).orElseThrow();
		assertThat(lasting.reachedReplacement()).isFalse();
		assertThat(lasting.years()).as("censored at the last interrogation").isCloseTo(3, offset(1e-6));
		CardiacDevices.History withoutImplantDate = new CardiacDevices.History("Device/1", new Device().setModelNumber("M"), new Coding(), "1",
				List.of(new CardiacDevices.Interrogation(after(1), List.of(status(coded("754115"))))));
		assertThat(longevity.of(withoutImplantDate)).isEmpty();
	}

	private static Tuple pair(int theYear, int theAtRisk) {
		return tuple(theYear, theAtRisk);
	}

	private static Longevity.ImplantedDevice device(String theName, double theYears, boolean theReached) {
		return new Longevity.ImplantedDevice("Device/" + theName, theName, "Acme", "M", theYears, theReached, List.of());
	}

	private static Instant after(double theYears) {
		return IMPLANTED.plus(Duration.ofMinutes(Math.round(theYears * CardiacDevices.DAYS_PER_YEAR * 24 * 60)));
	}

	private static CardiacDevices.History history(CardiacDevices.Interrogation... theInterrogations) {
		return new CardiacDevices.History("Device/1", new Device().setModelNumber("M").setManufacturer("Acme"), new Coding(), "1", List.of(theInterrogations));
	}

	private static CardiacDevices.Interrogation interrogation(Instant theWhen, Type theStatus, ObservationComponentComponent... theMore) {
		List<ObservationComponentComponent> values = new ArrayList<>(List.of(component(Longevity.IMPLANT_DATE, new DateTimeType(Date.from(IMPLANTED))),
				status(theStatus), component(Longevity.BATTERY_VOLTAGE, new Quantity(2.9).setUnit("V").setCode("V"))));
		values.addAll(List.of(theMore));
		return new CardiacDevices.Interrogation(theWhen, values);
	}

	private static ObservationComponentComponent status(Type theStatus) {
		return component(Longevity.BATTERY_STATUS, theStatus);
	}

	private static Type coded(String theCode) {
		return new CodeableConcept(new Coding(Mdc.SYSTEM, theCode, null));
	}

	private static Type text(String theText) {
		return new CodeableConcept().setText(theText);
	}

	private static ObservationComponentComponent component(String theCode, Type theValue) {
		return new ObservationComponentComponent(new CodeableConcept(new Coding(Mdc.SYSTEM, theCode, null))).setValue(theValue);
	}
}
