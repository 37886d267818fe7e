package org.openimd.server.analytics;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Small-cell suppression for a table whose cells each describe a set of patients, with a total: no
 * figure describing fewer than k patients is shown, and none can be worked out from what is.
 * <ol>
 *   <li>Primary: a cell of 1 to k-1 patients is suppressed (an empty cell describes nobody and is shown).
 *   <li>Against the other view: where the same cell is also answered to others over more patients (a
 *       manufacturer's own devices inside everyone's), a cell whose difference from that wider one is
 *       1 to k-1 patients is suppressed too, so that two answers cannot be subtracted.
 *   <li>Complementary: while a single cell is suppressed, or the suppressed cells together describe
 *       fewer than k patients, the smallest shown cell is suppressed as well, since the total less the
 *       shown cells is the sum of the suppressed ones; if no cell is left to suppress, so is the total.
 *   <li>A total of 1 to k-1 patients suppresses the total and every cell.
 * </ol>
 */
final class SmallCells {

	/** What is suppressed: the keys of the cells, and whether the total is. */
	record Suppression(Set<String> cells, boolean total) {}

	private SmallCells() {}

	/**
	 * @param thePatientsByCell how many patients each cell describes
	 * @param theTotalPatients how many patients the total describes
	 * @param theWiderPatientsByCell for each cell, how many patients the same cell describes in the wider
	 *     answer others get; empty when there is none
	 * @param theWiderTotal the same for the total
	 * @param theK the fewest patients a figure may describe
	 */
	static Suppression suppress(Map<String, Integer> thePatientsByCell, int theTotalPatients, Map<String, Integer> theWiderPatientsByCell,
			Optional<Integer> theWiderTotal, int theK) {
		if (small(theTotalPatients, theK) || theWiderTotal.map(wider -> small(wider - theTotalPatients, theK)).orElse(false)) {
			return new Suppression(Set.copyOf(thePatientsByCell.keySet()), true);
		}
		Set<String> suppressed = new LinkedHashSet<>();
		thePatientsByCell.forEach((cell, patients) -> {
			Integer wider = theWiderPatientsByCell.get(cell);
			if (small(patients, theK) || (wider != null && small(wider - patients, theK))) {
				suppressed.add(cell);
			}
		});
		while (!suppressed.isEmpty() && (suppressed.size() == 1 || patientsIn(suppressed, thePatientsByCell) < theK)) {
			Optional<String> smallestShown = thePatientsByCell.entrySet().stream()
					.filter(cell -> !suppressed.contains(cell.getKey()) && cell.getValue() > 0)
					.min(Comparator.comparingInt(Map.Entry<String, Integer>::getValue).thenComparing(Map.Entry::getKey))
					.map(Map.Entry::getKey);
			if (smallestShown.isEmpty()) {
				return new Suppression(Set.copyOf(suppressed), true);
			}
			suppressed.add(smallestShown.get());
		}
		return new Suppression(Set.copyOf(suppressed), false);
	}

	private static boolean small(int thePatients, int theK) {
		return thePatients > 0 && thePatients < theK;
	}

	private static int patientsIn(Set<String> theCells, Map<String, Integer> thePatientsByCell) {
		return theCells.stream().mapToInt(thePatientsByCell::get).sum();
	}
}
