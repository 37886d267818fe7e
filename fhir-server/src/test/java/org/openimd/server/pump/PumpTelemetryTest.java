package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.server.pump.PumpTelemetry.Forecast;
import org.openimd.server.pump.PumpTelemetry.Status;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;

/** The reservoir arithmetic on pump readings and refills, with the values of the knowledge files. */
class PumpTelemetryTest {

	private static final IntrathecalKnowledge KNOWLEDGE = IntrathecalKnowledge.load();
	private static final PumpTelemetry TELEMETRY = new PumpTelemetry(new PumpFacts(KNOWLEDGE));
	private static final PumpModel SYNCHROMED_20 = model("8637-20");
	private static final PumpModel PROMETRA_II_20 = model("13827");
	private static final LocalDate READ_ON = LocalDate.of(2026, 3, 1);

	private static PumpModel model(String theNumber) {
		return KNOWLEDGE.pumpModels().stream().filter(model -> model.modelNumber().equals(theNumber)).findFirst().orElseThrow();
	}

	static Observation reading(String theReservoir, String theBasal) {
		Observation reading = new Observation();
		reading.getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(OpenImdUris.PUMP_STATUS);
		reading.setEffective(new DateTimeType(READ_ON + "T09:30:00+01:00"));
		with(reading, PumpTelemetry.RESERVOIR_VOLUME, PumpInput.ucum(theReservoir, "mL"));
		with(reading, PumpTelemetry.BASAL_DAILY_VOLUME, PumpInput.ucum(theBasal, "mL/d"));
		return reading;
	}

	static Observation with(Observation theReading, String theCode, Type theValue) {
		theReading.addComponent().setValue(theValue).getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(theCode);
		return theReading;
	}

	@Test
	void theAlarmComesWhenTheReservoirReachesTheAlarmVolumeAndTheRefillVisitIsSevenToTenDaysBefore() {
		// 18 mL at 0.2 mL/d: (18 - 2.0) / 0.2 = 80 days to SynchroMed II's default alarm, 18 / 0.2 = 90 to empty.
		Forecast forecast = TELEMETRY.forecast(TELEMETRY.status(reading("18", "0.2"), SYNCHROMED_20), SYNCHROMED_20);
		assertThat(forecast.alarmDate()).isEqualTo(READ_ON.plusDays(80));
		assertThat(forecast.emptyDate()).isEqualTo(READ_ON.plusDays(90));
		assertThat(forecast.refillFrom()).isEqualTo(READ_ON.plusDays(70));
		assertThat(forecast.refillBy()).isEqualTo(READ_ON.plusDays(73));
		assertThat(forecast.endOfService()).isEmpty();
	}

	@Test
	void partDaysAreDroppedSoThatEveryDateErrsEarlyAndBolusesCountAsGiven() {
		// (18 - 2.0) / (0.2 + 0.1) = 53.33 days: the alarm on day 53; 18 / 0.3 = 60 to empty.
		Observation reading = with(reading("18", "0.2"), PumpTelemetry.BOLUS_DAILY_VOLUME_MAX, PumpInput.ucum("0.1", "mL/d"));
		Forecast forecast = TELEMETRY.forecast(TELEMETRY.status(reading, SYNCHROMED_20), SYNCHROMED_20);
		assertThat(forecast.alarmDate()).isEqualTo(READ_ON.plusDays(53));
		assertThat(forecast.emptyDate()).isEqualTo(READ_ON.plusDays(60));
	}

	@Test
	void aProgrammedAlarmVolumeCountsOnSynchroMedAndPrometraAlwaysUsesThreeMillilitres() {
		Observation programmed = with(reading("18", "0.2"), PumpTelemetry.LOW_RESERVOIR_ALARM_VOLUME, PumpInput.ucum("4", "mL"));
		assertThat(TELEMETRY.forecast(TELEMETRY.status(programmed, SYNCHROMED_20), SYNCHROMED_20).alarmDate()).isEqualTo(READ_ON.plusDays(70));

		assertThat(TELEMETRY.forecast(TELEMETRY.status(reading("18", "0.2"), PROMETRA_II_20), PROMETRA_II_20).alarmDate())
				.isEqualTo(READ_ON.plusDays(75));
		PumpInputException refused = catchThrowableOfType(() -> TELEMETRY.forecast(TELEMETRY.status(programmed, PROMETRA_II_20), PROMETRA_II_20),
				PumpInputException.class);
		assertThat(refused.getMessage()).contains("3.0 mL");
	}

	@Test
	void eriGivesTheEndOfServiceNinetyDaysLater() {
		Observation reading = with(reading("18", "0.2"), PumpTelemetry.ERI_DATE, new DateTimeType("2026-02-15"));
		assertThat(TELEMETRY.forecast(TELEMETRY.status(reading, SYNCHROMED_20), SYNCHROMED_20).endOfService())
				.contains(LocalDate.of(2026, 2, 15).plusDays(90));
	}

	@Test
	void aDailyVolumeTooSmallToEverEmptyTheReservoirIsForecastNoFurtherThanACentury() {
		Forecast forecast = TELEMETRY.forecast(TELEMETRY.status(reading("18", "0.000000000000000000001"), SYNCHROMED_20), SYNCHROMED_20);
		assertThat(forecast.emptyDate()).isEqualTo(READ_ON.plusDays(PumpTelemetry.LONGEST_FORECAST_DAYS));
	}

	@Test
	void aReadingWithMoreThanThePumpHoldsWithoutItsTimeOrWithoutItsVolumesIsRefused() {
		PumpInputException refused = catchThrowableOfType(() -> TELEMETRY.status(reading("40", "0.2"), SYNCHROMED_20), PumpInputException.class);
		assertThat(refused.location()).contains(PumpTelemetry.RESERVOIR_VOLUME);
		assertThat(refused.getMessage()).contains("20 mL");
		assertThat(catchThrowableOfType(() -> TELEMETRY.status(reading("18", "0.2").setEffective(null), SYNCHROMED_20), PumpInputException.class))
				.isNotNull();
		PumpInputException empty = catchThrowableOfType(() -> TELEMETRY.status(reading("18", "0.2").setComponent(new ArrayList<>()),
				SYNCHROMED_20), PumpInputException.class);
		assertThat(empty.getMessage()).contains("required");
	}

	@Test
	void REFILL_ALARM_DATE_aProgrammerAlarmDateMoreThanADayFromOursIsAWarning() {
		Status status = TELEMETRY.status(with(reading("18", "0.2"), PumpTelemetry.PROGRAMMER_ALARM_DATE,
				new DateTimeType(READ_ON.plusDays(81).toString())), SYNCHROMED_20);
		assertThat(TELEMETRY.alarmDateMismatch(status, TELEMETRY.forecast(status, SYNCHROMED_20))).isEmpty();

		// The programmer was told 40 mL: (40 - 2) / 0.2 = 190 days, against our 80.
		Status wrong = TELEMETRY.status(with(reading("18", "0.2"), PumpTelemetry.PROGRAMMER_ALARM_DATE,
				new DateTimeType(READ_ON.plusDays(190).toString())), SYNCHROMED_20);
		assertThat(TELEMETRY.alarmDateMismatch(wrong, TELEMETRY.forecast(wrong, SYNCHROMED_20)))
				.hasValueSatisfying(finding -> assertThat(finding.rule()).isEqualTo("REFILL-ALARM-DATE"));
	}

	@Test
	void REFILL_RESIDUAL_theAspiratedResidualMustLieInTheExpectedBandWidenedByTwoAndAHalfPercentOfWhatWasDelivered() {
		// 18 mL, 0.2 mL/d basal and up to 0.1 mL/d of boluses, refilled 30 days later: between 18 - 9 = 9 and 18 - 6 = 12 mL,
		// widened by 2.5% of the most delivered (9 mL): 0.225 mL.
		Status last = TELEMETRY.status(with(reading("18", "0.2"), PumpTelemetry.BOLUS_DAILY_VOLUME_MAX, PumpInput.ucum("0.1", "mL/d")),
				SYNCHROMED_20);
		PumpTelemetry.Expectation expected = TELEMETRY.expectation(last, last.time().plus(Duration.ofDays(30)));
		assertThat(expected.low().toDecimal()).isEqualByComparingTo("9");
		assertThat(expected.high().toDecimal()).isEqualByComparingTo("12");
		assertThat(expected.tolerance().toDecimal()).isEqualByComparingTo("0.225");

		assertThat(TELEMETRY.residualMismatch(expected, volume("8.775"))).as("the band's edge is inside").isEmpty();
		assertThat(TELEMETRY.residualMismatch(expected, volume("12.225"))).isEmpty();
		assertThat(TELEMETRY.residualMismatch(expected, volume("8.774"))).hasValueSatisfying(finding -> {
			assertThat(finding.rule()).isEqualTo("REFILL-RESIDUAL");
			assertThat(finding.message()).contains("overinfusion");
		});
		assertThat(TELEMETRY.residualMismatch(expected, volume("12.226"))).hasValueSatisfying(finding ->
				assertThat(finding.message()).contains("underinfusion"));
	}

	@Test
	void aPumpThatRanDryIsExpectedEmpty() {
		Status last = TELEMETRY.status(reading("3", "0.2"), SYNCHROMED_20);
		PumpTelemetry.Expectation expected = TELEMETRY.expectation(last, last.time().plus(Duration.ofDays(40)));
		assertThat(expected.low().signum()).isZero();
		assertThat(expected.high().signum()).isZero();
		assertThat(TELEMETRY.residualMismatch(expected, volume("0"))).isEmpty();
		assertThat(expected.tolerance().toDecimal()).as("2.5% of the 3 mL delivered").isEqualByComparingTo("0.075");
	}

	private static ExactRatio volume(String theMl) {
		return ExactRatio.of(new BigDecimal(theMl));
	}
}
