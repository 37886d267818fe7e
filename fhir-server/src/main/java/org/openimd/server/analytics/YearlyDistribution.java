package org.openimd.server.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A measurement's distribution by year since implant (year 0 the first): the median and quartiles of
 * each device's last reading of that year, for the years with at least k patients' devices. One
 * reading per device and year, so that a device interrogated often weighs no more than one seldom.
 */
final class YearlyDistribution {

	/** A reading so many years after implant. */
	record Reading(double yearsSinceImplant, double value) {}

	/** One year's distribution. */
	record Year(int yearsSinceImplant, int patients, double median, double lowerQuartile, double upperQuartile) {}

	private YearlyDistribution() {}

	static <T extends Strata.DeviceOfPatient> List<Year> of(List<T> theDevices, Function<T, List<Reading>> theReadings, int theK) {
		Map<Integer, List<T>> devicesByYear = new TreeMap<>();
		Map<Integer, List<Double>> valuesByYear = new TreeMap<>();
		for (T device : theDevices) {
			Map<Integer, Reading> lastOfYear = new TreeMap<>();
			theReadings.apply(device).forEach(reading -> lastOfYear.merge((int) Math.floor(reading.yearsSinceImplant()), reading,
					(earlier, later) -> later.yearsSinceImplant() >= earlier.yearsSinceImplant() ? later : earlier));
			lastOfYear.forEach((year, reading) -> {
				devicesByYear.computeIfAbsent(year, any -> new ArrayList<>()).add(device);
				valuesByYear.computeIfAbsent(year, any -> new ArrayList<>()).add(reading.value());
			});
		}
		List<Year> years = new ArrayList<>();
		valuesByYear.forEach((year, values) -> {
			int patients = Strata.patients(devicesByYear.get(year));
			if (year >= 0 && patients >= theK) {
				List<Double> sorted = values.stream().sorted().toList();
				years.add(new Year(year, patients, quantile(sorted, 0.5), quantile(sorted, 0.25), quantile(sorted, 0.75)));
			}
		});
		return years;
	}

	/** The {@code theP} quantile of sorted values, interpolated between the nearest two (Hyndman and Fan's definition 7). */
	static double quantile(List<Double> theSorted, double theP) {
		double position = theP * (theSorted.size() - 1);
		int below = (int) Math.floor(position);
		int above = Math.min(below + 1, theSorted.size() - 1);
		return theSorted.get(below) + (position - below) * (theSorted.get(above) - theSorted.get(below));
	}
}
