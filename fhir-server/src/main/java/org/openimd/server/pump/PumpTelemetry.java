package org.openimd.server.pump;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpParameter;

/**
 * Reservoir arithmetic on pump telemetry (a {@code pump-status} Observation) and refill records (a
 * {@code pump-refill} Observation): when the pump reaches its low-reservoir alarm and runs empty, when
 * to refill, and what residual a refill should find. Exact ratios throughout; days are whole and
 * rounded down, as the refill interval's volume term is (§3.3), so every date errs early.
 */
final class PumpTelemetry {

	static final String RESERVOIR_VOLUME = "reservoir-volume";
	static final String BASAL_DAILY_VOLUME = "basal-daily-volume";
	/** A century: longer than any pump's service life, so a forecast this far says only "not for the pump's life" (a project decision). */
	static final long LONGEST_FORECAST_DAYS = 36_525;
	static final String BOLUS_DAILY_VOLUME_MAX = "bolus-daily-volume-max";
	static final String INFUSION_MODE = "infusion-mode";
	static final String LOW_RESERVOIR_ALARM_VOLUME = "low-reservoir-alarm-volume";
	static final String ERI_DATE = "eri-date";
	static final String PROGRAMMER_ALARM_DATE = "programmer-alarm-date";
	static final String COMPUTED_ALARM_DATE = "computed-alarm-date";
	static final String COMPUTED_EMPTY_DATE = "computed-empty-date";
	static final String COMPUTED_END_OF_SERVICE_DATE = "computed-end-of-service-date";
	static final String ASPIRATED_VOLUME = "aspirated-volume";
	static final String FILLED_VOLUME = "filled-volume";
	static final String EXPECTED_RESIDUAL = "expected-residual";

	/** One reading of a pump. {@code maxDailyVolume} is the basal daily volume plus every allowed bolus. */
	record Status(Instant time, LocalDate date, ExactRatio reservoir, ExactRatio basalDailyVolume, ExactRatio maxDailyVolume,
			Optional<ExactRatio> programmedAlarmVolume, Optional<LocalDate> eriDate, Optional<LocalDate> programmerAlarmDate) {}

	/** @param refillFrom the earliest and {@code refillBy} the latest day of the refill visit, before the alarm */
	record Forecast(LocalDate alarmDate, LocalDate emptyDate, LocalDate refillFrom, LocalDate refillBy, Optional<LocalDate> endOfService) {}

	/** The residual a refill should find: every allowed bolus given ({@code low}) or none ({@code high}), within the tolerance. */
	record Expectation(ExactRatio low, ExactRatio high, ExactRatio tolerance) {}

	private final PumpFacts myFacts;

	PumpTelemetry(PumpFacts theFacts) {
		myFacts = theFacts;
	}

	Status status(Observation theReading, PumpModel thePump) {
		ExactRatio reservoir = volume(theReading, RESERVOIR_VOLUME, "mL").orElseThrow(() -> missing(RESERVOIR_VOLUME));
		if (reservoir.isAbove(thePump.reservoirMl())) {
			throw new PumpInputException(location(RESERVOIR_VOLUME), "reservoir volume " + reservoir.toDecimal().toPlainString()
					+ " mL is more than the " + thePump.model() + " holds (" + thePump.reservoirMl().toPlainString() + " mL)");
		}
		ExactRatio basal = volume(theReading, BASAL_DAILY_VOLUME, "mL/d").orElseThrow(() -> missing(BASAL_DAILY_VOLUME));
		if (basal.signum() <= 0) {
			throw new PumpInputException(location(BASAL_DAILY_VOLUME), "the basal daily volume must be greater than zero");
		}
		ExactRatio bolus = volume(theReading, BOLUS_DAILY_VOLUME_MAX, "mL/d").orElse(ExactRatio.of(BigDecimal.ZERO));
		DateTimeType effective = theReading.getEffectiveDateTimeType();
		if (effective == null || !effective.hasValue()) {
			throw new PumpInputException("Observation.effectiveDateTime", "a pump reading needs the time it was taken");
		}
		return new Status(effective.getValue().toInstant(), localDate(effective), reservoir, basal, basal.plus(bolus),
				volume(theReading, LOW_RESERVOIR_ALARM_VOLUME, "mL"), date(theReading, ERI_DATE), date(theReading, PROGRAMMER_ALARM_DATE));
	}

	Forecast forecast(Status theStatus, PumpModel thePump) {
		ExactRatio alarm = myFacts.lowReservoirAlarm(thePump, theStatus.programmedAlarmVolume(), location(LOW_RESERVOIR_ALARM_VOLUME));
		LocalDate alarmDate = theStatus.date().plusDays(wholeDays(theStatus.reservoir().minus(alarm), theStatus.maxDailyVolume()));
		LocalDate emptyDate = theStatus.date().plusDays(wholeDays(theStatus.reservoir(), theStatus.maxDailyVolume()));
		Optional<LocalDate> endOfService = theStatus.eriDate().flatMap(eri -> myFacts.optionalParameter(thePump.family(), "eri-to-end-of-service")
				.map(days -> eri.plusDays(days.decimal().longValueExact())));
		return new Forecast(alarmDate, emptyDate, alarmDate.minusDays(days("refill-appointment-lead-earliest")),
				alarmDate.minusDays(days("refill-appointment-lead-latest")), endOfService);
	}

	/** Whether the programmer's own alarm date is further from ours than the tolerance allows (REFILL-ALARM-DATE). */
	Optional<Finding> alarmDateMismatch(Status theStatus, Forecast theForecast) {
		PumpParameter tolerance = myFacts.parameter("*", "alarm-date-tolerance");
		return theStatus.programmerAlarmDate()
				.filter(reported -> Math.abs(reported.toEpochDay() - theForecast.alarmDate().toEpochDay()) > tolerance.decimal().longValueExact())
				.map(reported -> Finding.of(myFacts.knowledge(), tolerance.rule(), Optional.empty(), "the programmer reports the low-reservoir alarm on "
						+ reported + ", the reservoir volume and programmed rate give " + theForecast.alarmDate()));
	}

	/** The residual a refill at {@code theRefill} should find, from the last reading before it. */
	Expectation expectation(Status theLast, Instant theRefill) {
		ExactRatio days = ExactRatio.of(BigDecimal.valueOf(Duration.between(theLast.time(), theRefill).toMinutes()))
				.dividedBy(BigDecimal.valueOf(Duration.ofDays(1).toMinutes()));
		ExactRatio low = atLeastZero(theLast.reservoir().minus(theLast.maxDailyVolume().times(days)));
		ExactRatio high = atLeastZero(theLast.reservoir().minus(theLast.basalDailyVolume().times(days)));
		ExactRatio tolerance = theLast.reservoir().minus(low).times(myFacts.parameter("*", "residual-tolerance").decimal())
				.dividedBy(BigDecimal.valueOf(100));
		return new Expectation(low, high, tolerance);
	}

	/** REFILL-RESIDUAL when the aspirated residual lies outside the expectation's band, widened by its tolerance. */
	Optional<Finding> residualMismatch(Expectation theExpected, ExactRatio theAspirated) {
		String rule = myFacts.parameter("*", "residual-tolerance").rule();
		String band = theExpected.low().toDecimal().toPlainString() + " to " + theExpected.high().toDecimal().toPlainString() + " mL (± "
				+ theExpected.tolerance().toDecimal().toPlainString() + " mL)";
		if (theAspirated.compareTo(theExpected.low().minus(theExpected.tolerance())) < 0) {
			return Optional.of(Finding.of(myFacts.knowledge(), rule, Optional.empty(), "aspirated " + theAspirated.toDecimal().toPlainString()
					+ " mL, less than the expected " + band + ": possible overinfusion, a reservoir volume entered too high, or a pocket fill"));
		}
		if (theAspirated.compareTo(theExpected.high().plus(theExpected.tolerance())) > 0) {
			return Optional.of(Finding.of(myFacts.knowledge(), rule, Optional.empty(), "aspirated " + theAspirated.toDecimal().toPlainString()
					+ " mL, more than the expected " + band + ": possible underinfusion (catheter occlusion, motor stall)"));
		}
		return Optional.empty();
	}

	/** The components the server computes, replacing any a client sent under those codes. */
	static void setComputed(Observation theReading, String theCode, org.hl7.fhir.r4.model.Type theValue) {
		theReading.getComponent().removeIf(component -> component.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, theCode));
		theReading.addComponent().setValue(theValue).getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(theCode);
	}

	/** A component's volume in mL, or in mL per day when {@code theUnit} is {@code mL/d}. */
	static Optional<ExactRatio> volume(Observation theReading, String theCode, String theUnit) {
		return component(theReading, theCode).map(component -> {
			if (!(component.getValue() instanceof Quantity quantity) || !quantity.hasValue()) {
				throw new PumpInputException(location(theCode), theCode + " must be a Quantity in " + theUnit);
			}
			String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
			boolean perDay = theUnit.endsWith("/d");
			if (unit == null || perDay != unit.endsWith("/d")) {
				throw new PumpInputException(location(theCode), theCode + " is in " + theUnit + ", not " + unit);
			}
			ExactRatio value = PumpUnits.volume(quantity.getValue(), perDay ? unit.substring(0, unit.length() - 2) : unit, location(theCode));
			if (value.signum() < 0) {
				throw new PumpInputException(location(theCode), theCode + " must not be negative");
			}
			return value;
		});
	}

	/** The day the pump reached its elective replacement indicator, when the reading reports it. */
	static Optional<LocalDate> eriDate(Observation theReading) {
		return date(theReading, ERI_DATE);
	}

	private static Optional<LocalDate> date(Observation theReading, String theCode) {
		return component(theReading, theCode).map(component -> {
			if (!(component.getValue() instanceof DateTimeType date) || !date.hasValue()) {
				throw new PumpInputException(location(theCode), theCode + " must be a dateTime");
			}
			return localDate(date);
		});
	}

	private static Optional<ObservationComponentComponent> component(Observation theReading, String theCode) {
		List<ObservationComponentComponent> found = new ArrayList<>(theReading.getComponent().stream()
				.filter(component -> component.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, theCode)).toList());
		if (found.size() > 1) {
			throw new PumpInputException(location(theCode), theCode + " is given " + found.size() + " times");
		}
		return found.stream().findFirst();
	}

	/** The calendar day of a reading where it was taken: its own offset, else UTC. */
	private static LocalDate localDate(DateTimeType theTime) {
		return theTime.getValue().toInstant().atZone(theTime.getTimeZone() != null ? theTime.getTimeZone().toZoneId() : ZoneOffset.UTC)
				.toLocalDate();
	}

	/**
	 * Whole days the volume lasts, at most {@link #LONGEST_FORECAST_DAYS}: a daily volume so small that the
	 * reservoir would outlast any pump (and any calendar) is forecast no further.
	 */
	private static long wholeDays(ExactRatio theVolume, ExactRatio theDailyVolume) {
		return theVolume.signum() <= 0 ? 0 : theVolume.dividedBy(theDailyVolume).floor().min(BigDecimal.valueOf(LONGEST_FORECAST_DAYS)).longValueExact();
	}

	private long days(String theParameter) {
		return myFacts.parameter("*", theParameter).decimal().longValueExact();
	}

	private static ExactRatio atLeastZero(ExactRatio theVolume) {
		return theVolume.signum() < 0 ? ExactRatio.of(BigDecimal.ZERO) : theVolume;
	}

	static String location(String theCode) {
		return "Observation.component.where(code.coding.code='" + theCode + "')";
	}

	private static PumpInputException missing(String theCode) {
		return new PumpInputException(location(theCode), "a " + theCode + " component is required");
	}
}
