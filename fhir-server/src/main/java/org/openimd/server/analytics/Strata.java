package org.openimd.server.analytics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A statistic's devices in strata, as one caller may see them, with what small-cell suppression hides
 * of them: all devices for administrators and researchers; for a manufacturer its own devices, with
 * every stratum that differs from everyone's by a few patients hidden too ({@link SmallCells}).
 */
record Strata<T extends Strata.DeviceOfPatient>(Map<String, List<T>> cells, SmallCells.Suppression suppression) {

	/** A device of a manufacturer's model, for statistics by model. */
	interface OfModel {

		String manufacturer();

		String model();

		/** The key of its stratum: the model of the manufacturer. */
		default String modelOfManufacturer() {
			return manufacturer() + "\u0000" + model();
		}
	}

	/** What a statistic knows of one device: which one, and whose. */
	interface DeviceOfPatient {

		String device();

		String patient();
	}

	/**
	 * @param theEveryDevice every device the statistic describes
	 * @param theStratum the stratum a device belongs to (its key, in the order strata are answered)
	 * @param theOwnDevices a manufacturer's own devices ({@code Device/7}), when the caller is one
	 * @param theK the fewest patients a figure may describe
	 */
	static <T extends DeviceOfPatient> Strata<T> of(List<T> theEveryDevice, Function<T, String> theStratum, Optional<Set<String>> theOwnDevices,
			int theK) {
		Map<String, List<T>> everyone = grouped(theEveryDevice, theStratum);
		if (theOwnDevices.isEmpty()) {
			return new Strata<>(everyone, SmallCells.suppress(patientsByCell(everyone), patients(theEveryDevice), Map.of(), Optional.empty(), theK));
		}
		List<T> own = theEveryDevice.stream().filter(device -> theOwnDevices.get().contains(device.device())).toList();
		Map<String, List<T>> answered = grouped(own, theStratum);
		return new Strata<>(answered, SmallCells.suppress(patientsByCell(answered), patients(own), patientsByCell(everyone),
				Optional.of(patients(theEveryDevice)), theK));
	}

	/** Every device of the strata answered. */
	List<T> all() {
		return cells.values().stream().flatMap(List::stream).toList();
	}

	boolean suppressed(String theStratum) {
		return suppression.cells().contains(theStratum);
	}

	/** How many patients {@code theDevices} belong to, each counted once. */
	static int patients(Collection<? extends DeviceOfPatient> theDevices) {
		return (int) theDevices.stream().map(DeviceOfPatient::patient).distinct().count();
	}

	private static <T> Map<String, List<T>> grouped(List<T> theDevices, Function<T, String> theStratum) {
		return theDevices.stream().collect(Collectors.groupingBy(theStratum, TreeMap::new, Collectors.toList()));
	}

	private static <T extends DeviceOfPatient> Map<String, Integer> patientsByCell(Map<String, List<T>> theCells) {
		return theCells.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, cell -> patients(cell.getValue())));
	}
}
