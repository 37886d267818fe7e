package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Small-cell suppression, attacked: an adversary who sees an answer (and, for a manufacturer, also
 * knows everyone's answer) tries to work out a figure about fewer than k patients, by subtracting the
 * shown cells from the total, or one answer from another.
 */
class SmallCellsTest {

	private static final int K = 11;

	@Test
	void aCellOfFewerThanKPatientsIsSuppressedWithTheSmallestOtherSoTheTotalGivesNeitherAway() {
		Map<String, Integer> cells = cells("ICD", 40, "CRT-D", 3, "IPG", 25);

		SmallCells.Suppression suppression = SmallCells.suppress(cells, 68, Map.of(), Optional.empty(), K);

		assertThat(suppression.cells()).containsExactlyInAnyOrder("CRT-D", "IPG");
		assertThat(suppression.total()).isFalse();
	}

	@Test
	void emptyCellsAreShownAndNoProtection() {
		Map<String, Integer> cells = cells("ICD", 40, "CRT-D", 3, "ILR", 0);

		SmallCells.Suppression suppression = SmallCells.suppress(cells, 43, Map.of(), Optional.empty(), K);

		assertThat(suppression.cells()).containsExactlyInAnyOrder("CRT-D", "ICD");
	}

	@Test
	void withNoOtherCellToHideBehindTheTotalGoesToo() {
		SmallCells.Suppression suppression = SmallCells.suppress(cells("ICD", 5, "ILR", 0), 5, Map.of(), Optional.empty(), K);

		assertThat(suppression.total()).isTrue();
		assertThat(suppression.cells()).contains("ICD");
	}

	@Test
	void aManufacturersCellIsSuppressedWhereEveryonesDiffersFromItByFewerThanKPatients() {
		Map<String, Integer> own = cells("ICD", 30, "IPG", 40, "CRT-D", 50);
		Map<String, Integer> everyone = cells("ICD", 34, "IPG", 90, "CRT-D", 50);

		SmallCells.Suppression suppression = SmallCells.suppress(own, 120, everyone, Optional.of(174), K);

		assertThat(suppression.cells()).as("ICD differs from everyone's by 4; IPG is the smallest other").containsExactlyInAnyOrder("ICD", "IPG");
		assertThat(suppression.total()).isFalse();
	}

	/**
	 * Thousands of random tables: whatever is shown, no figure about 1 to k-1 patients is shown or can be
	 * derived, from the total less the shown cells, or from everyone's cell less the manufacturer's.
	 */
	@Test
	void noSuppressedFigureCanBeWorkedOutFromTotalsOrFromTwoAnswers() {
		Random random = new Random(20261205);
		for (int table = 0; table < 5_000; table++) {
			Map<String, Integer> own = new LinkedHashMap<>();
			Map<String, Integer> everyone = new LinkedHashMap<>();
			int cellCount = 1 + random.nextInt(5);
			for (int cell = 0; cell < cellCount; cell++) {
				int mine = random.nextInt(4) == 0 ? random.nextInt(K) : random.nextInt(60);
				own.put("type" + cell, mine);
				everyone.put("type" + cell, mine + (random.nextInt(3) == 0 ? random.nextInt(K) : random.nextInt(60)));
			}
			int ownTotal = own.values().stream().mapToInt(Integer::intValue).sum();
			int everyoneTotal = everyone.values().stream().mapToInt(Integer::intValue).sum();
			boolean manufacturer = random.nextBoolean();

			SmallCells.Suppression suppression = manufacturer
					? SmallCells.suppress(own, ownTotal, everyone, Optional.of(everyoneTotal), K)
					: SmallCells.suppress(own, ownTotal, Map.of(), Optional.empty(), K);

			String described = own + " of " + everyone + " -> " + suppression;
			// nothing shown describes 1 to k-1 patients
			own.forEach((cell, patients) -> {
				if (!suppression.cells().contains(cell)) {
					assertThat(small(patients)).as(described).isFalse();
					if (manufacturer) {
						assertThat(small(everyone.get(cell) - patients)).as("everyone's less the manufacturer's, " + described).isFalse();
					}
				}
			});
			if (!suppression.total()) {
				assertThat(small(ownTotal)).as(described).isFalse();
				// the total less what is shown is what is suppressed: k or more patients, never one cell alone
				// (an empty cell suppressed for the other answer's sake counts: nobody can tell it is empty)
				int hidden = suppression.cells().stream().mapToInt(own::get).sum();
				assertThat(small(hidden)).as("total less shown cells, " + described).isFalse();
				assertThat(suppression.cells().size()).as(described).isNotEqualTo(1);
				if (manufacturer) {
					assertThat(small(everyoneTotal - ownTotal)).as(described).isFalse();
				}
			}
		}
	}

	private static boolean small(int thePatients) {
		return thePatients > 0 && thePatients < K;
	}

	private static Map<String, Integer> cells(Object... theKeysAndPatients) {
		Map<String, Integer> cells = new LinkedHashMap<>();
		for (int index = 0; index < theKeysAndPatients.length; index += 2) {
			cells.put((String) theKeysAndPatients[index], (Integer) theKeysAndPatients[index + 1]);
		}
		return cells;
	}
}
