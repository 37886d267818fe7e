package org.openimd.server.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Quantity;
import org.openimd.terminology.alerts.AlertKnowledge;

/**
 * How long implanted cardiac devices last: the time from implant ({@code MDC_IDC_DEV_IMPLANT_DT}) to the
 * battery's recommended replacement time (RRT, formerly the elective replacement indicator, ERI), by
 * manufacturer and model, as a Kaplan–Meier estimate in which a device not yet at RRT counts up to its
 * last interrogation (censored); and its battery voltage by year since implant.
 *
 * <p>A device is at RRT from the first interrogation whose battery status ({@code MDC_IDC_MSMT_BATTERY_STATUS})
 * says RRT, ERI or beyond (end of service), read by the values the battery alert rules look for, or
 * from the time it reports having reached RRT ({@code MDC_IDC_MSMT_BATTERY_RRT_REACHED_DTM}), whichever
 * is earlier. A device without an implant date is left out: its time to RRT is unknown.
 */
final class Longevity {

	static final String IMPLANT_DATE = "720901";
	static final String BATTERY_STATUS = "721280";
	static final String BATTERY_VOLTAGE = "721344";
	static final String RRT_REACHED = "721603";
	/** The battery alert rules: at RRT or ERI, and past it (end of service or of life). */
	private static final List<String> AT_OR_PAST_RRT = List.of("ALERT-BATT-01", "ALERT-BATT-02");

	/** One device: whose, which model, how long it was followed from implant, whether it reached RRT by then, its voltages in volts. */
	record ImplantedDevice(String device, String patient, String manufacturer, String model, double years, boolean reachedReplacement,
			List<YearlyDistribution.Reading> voltages) implements Strata.DeviceOfPatient, Strata.OfModel {}

	/** The Kaplan–Meier estimate at a whole number of years since implant, with the devices still followed then. */
	record SurvivalPoint(int yearsSinceImplant, int atRisk, double survival) {}

	private final AlertKnowledge myKnowledge;

	Longevity(AlertKnowledge theKnowledge) {
		myKnowledge = theKnowledge;
	}

	/** What a device's interrogations tell of its longevity; empty without an implant date, a model, or with an implant after the last interrogation. */
	Optional<ImplantedDevice> of(CardiacDevices.History theHistory) {
		List<CardiacDevices.Interrogation> interrogations = theHistory.interrogations();
		Optional<Instant> implanted = interrogations.stream().map(interrogation -> interrogation.time(IMPLANT_DATE)).flatMap(Optional::stream)
				.reduce((earlier, latest) -> latest);
		String model = theHistory.device().hasModelNumber() ? theHistory.device().getModelNumber() : null;
		if (implanted.isEmpty() || model == null || implanted.get().isAfter(theHistory.last())) {
			return Optional.empty();
		}
		Optional<Instant> replacement = Stream.concat(
						interrogations.stream().filter(this::atOrPastReplacement).map(CardiacDevices.Interrogation::when).limit(1),
						interrogations.stream().map(interrogation -> interrogation.time(RRT_REACHED)).flatMap(Optional::stream))
				.filter(when -> !when.isBefore(implanted.get())).min(Comparator.naturalOrder());
		List<YearlyDistribution.Reading> voltages = interrogations.stream().flatMap(interrogation -> interrogation.values(BATTERY_VOLTAGE)
						.filter(Quantity.class::isInstance).map(Quantity.class::cast).filter(quantity -> quantity.hasValue() && volts(quantity))
						.map(quantity -> new YearlyDistribution.Reading(CardiacDevices.years(implanted.get(), interrogation.when()), quantity.getValue().doubleValue())))
				.toList();
		return Optional.of(new ImplantedDevice(theHistory.reference(), theHistory.patient(),
				theHistory.device().hasManufacturer() ? theHistory.device().getManufacturer() : "unknown manufacturer", model,
				CardiacDevices.years(implanted.get(), replacement.orElse(theHistory.last())), replacement.isPresent(), voltages));
	}

	private boolean atOrPastReplacement(CardiacDevices.Interrogation theInterrogation) {
		return theInterrogation.values(BATTERY_STATUS).anyMatch(status -> AT_OR_PAST_RRT.stream().anyMatch(rule -> myKnowledge.holds(rule, BATTERY_STATUS, status)));
	}

	private static boolean volts(Quantity theQuantity) {
		return !theQuantity.hasCode() || "V".equals(theQuantity.getCode());
	}

	/**
	 * The Kaplan–Meier estimate of still being short of RRT at each whole year since implant, for as long
	 * as at least {@code theK} devices are still followed and the devices at RRT by then are none or at
	 * least {@code theK}, so that no point describes fewer than k devices.
	 */
	static List<SurvivalPoint> survival(List<ImplantedDevice> theDevices, int theK) {
		List<Step> steps = steps(theDevices);
		List<SurvivalPoint> points = new ArrayList<>();
		for (int year = 1; ; year++) {
			int atRisk = atRisk(theDevices, year);
			if (atRisk < theK) {
				return points;
			}
			long reached = reachedBy(theDevices, year);
			if (reached == 0 || reached >= theK) {
				points.add(new SurvivalPoint(year, atRisk, estimate(steps, year)));
			}
		}
	}

	/** The first time the estimate falls to one half or below, where at least {@code theK} devices were still followed. */
	static Optional<Double> medianYears(List<ImplantedDevice> theDevices, int theK) {
		return steps(theDevices).stream().filter(step -> step.survival() <= 0.5).findFirst().map(Step::years)
				.filter(time -> atRisk(theDevices, time) >= theK);
	}

	/** The estimate just after a time at which devices reached RRT. */
	private record Step(double years, double survival) {}

	/**
	 * The estimate's steps, in one pass over the devices by time: at each time t at which devices reached
	 * RRT, the product so far of 1 − reached(t) / followed at t.
	 */
	private static List<Step> steps(List<ImplantedDevice> theDevices) {
		List<ImplantedDevice> byTime = theDevices.stream().sorted(Comparator.comparingDouble(ImplantedDevice::years)).toList();
		List<Step> steps = new ArrayList<>();
		double survival = 1;
		int index = 0;
		while (index < byTime.size()) {
			double time = byTime.get(index).years();
			int atRisk = byTime.size() - index;
			int reached = 0;
			while (index < byTime.size() && byTime.get(index).years() == time) {
				reached += byTime.get(index).reachedReplacement() ? 1 : 0;
				index++;
			}
			if (reached > 0) {
				survival *= 1 - (double) reached / atRisk;
				steps.add(new Step(time, survival));
			}
		}
		return steps;
	}

	private static double estimate(List<Step> theSteps, double theYears) {
		double survival = 1;
		for (Step step : theSteps) {
			if (step.years() > theYears) {
				break;
			}
			survival = step.survival();
		}
		return survival;
	}

	private static long reachedBy(List<ImplantedDevice> theDevices, double theYears) {
		return theDevices.stream().filter(device -> device.reachedReplacement() && device.years() <= theYears).count();
	}

	private static int atRisk(List<ImplantedDevice> theDevices, double theYears) {
		return (int) theDevices.stream().filter(device -> device.years() >= theYears).count();
	}
}
