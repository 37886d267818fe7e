package org.openimd.server.similar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.idco.IdcoFixtures;

/**
 * How well interrogations are told apart by their IDCO measurements, the numbers docs/similar-cases.md reports.
 * 400 synthetic patients ({@link Interrogations}: pacemakers, ICDs, CRT-Ds, loop recorders in turn);
 * their first interrogations stand for the diagnosed ones. Each of 100 measured again (every number
 * off by up to 5 %) must find its original first and score it at or above the threshold; the second
 * interrogation of each patient (drawn afresh: another state of the same kind of device) is what must
 * not match.
 */
class InterrogationSimilarityQualityTest {

	private static final InterrogationComparison METHOD = InterrogationComparison.load(Interrogations.TERMS);
	private static final int PATIENTS = 400;
	private static final int QUERIES = 100;
	/** Every fourth synthetic patient has a loop recorder, whose interrogations report too little to compare. */
	private static final int LOOP_RECORDER = 3;

	private final List<Integer> myComparable = IntStream.range(0, PATIENTS).filter(patient -> patient % 4 != LOOP_RECORDER).boxed().toList();
	private final Map<Integer, Comparison.Features> myDiagnosed = new TreeMap<>();

	InterrogationSimilarityQualityTest() {
		myComparable.forEach(patient -> myDiagnosed.put(patient, METHOD.features(Interrogations.measurements(Interrogations.message("QA", patient, 0)))));
	}

	@Test
	void anInterrogationMeasuredAgainFindsItsOriginalAndNoOtherPassesTheThreshold() {
		int topOne = 0;
		int ownAtThreshold = 0;
		double lowestOwn = 1;
		for (int patient : myComparable.subList(0, QUERIES)) {
			Comparison.Features again = METHOD.features(Interrogations.measurements(
					Interrogations.measuredAgain(Interrogations.message("QA", patient, 0), "QA", "QB", 0.05, patient)));
			topOne += best(again) == patient ? 1 : 0;
			double own = METHOD.score(again, myDiagnosed.get(patient));
			ownAtThreshold += own >= METHOD.threshold() ? 1 : 0;
			lowestOwn = Math.min(lowestOwn, own);
		}
		int falseMatches = 0;
		double highestOther = 0;
		for (int patient : myComparable) {
			Comparison.Features next = METHOD.features(Interrogations.measurements(Interrogations.message("QA", patient, 1)));
			double other = METHOD.score(next, myDiagnosed.get(best(next)));
			falseMatches += other >= METHOD.threshold() ? 1 : 0;
			highestOther = Math.max(highestOther, other);
		}
		System.out.printf(Locale.ROOT, "interrogations: precision@1 %d/%d; own at or above %.2f %d/%d (lowest %.3f); another interrogation's best %.3f, "
				+ "at or above the threshold %d/%d%n", topOne, QUERIES, METHOD.threshold(), ownAtThreshold, QUERIES, lowestOwn, highestOther, falseMatches,
				myComparable.size());

		assertThat(topOne).isEqualTo(QUERIES);
		assertThat(ownAtThreshold).isEqualTo(QUERIES);
		assertThat(falseMatches).isZero();
	}

	@Test
	void interrogationsOfOtherDeviceTypesOrOtherMeasurementsAreNotCompared() {
		Comparison.Features pacemaker = myDiagnosed.get(0);
		Comparison.Features icd = myDiagnosed.get(1);
		assertThat(pacemaker.signature()).isNotEqualTo(icd.signature());
		assertThat(pacemaker.signature()).isEqualTo(myDiagnosed.get(4).signature());
		assertThat(pacemaker.signature()).contains("ra-impedance").doesNotContain("hv-impedance");
	}

	@Test
	void aLoopRecordersBatteryAndRateAreTooLittleToCompare() {
		assertThatThrownBy(() -> METHOD.features(Interrogations.measurements(Interrogations.message("QA", LOOP_RECORDER, 0))))
				.isInstanceOf(Comparison.NotComparableException.class).hasMessageContaining("2 of the measurements");
	}

	@Test
	void aRealCrtDInterrogationMeasuredAgainScoresAboveTheThreshold() {
		String real = IdcoFixtures.text(IdcoFixtures.IHE_BIOTRONIK_CRTD);
		Comparison.Features original = METHOD.features(Interrogations.measurements(real));
		Comparison.Features again = METHOD.features(Interrogations.measurements(Interrogations.measuredAgain(real, "MORGAN", "ANOTHER", 0.05, 7)));
		assertThat(original.signature()).startsWith("interrogation:753667:").contains("lv-threshold", "capacitor-charge-time");
		assertThat(again.signature()).isEqualTo(original.signature());
		assertThat(METHOD.score(again, original)).isGreaterThanOrEqualTo(METHOD.threshold());
		assertThat(METHOD.score(original, original)).isEqualTo(1.0);
	}

	private int best(Comparison.Features theQuery) {
		return myDiagnosed.entrySet().stream().filter(entry -> entry.getValue().signature().equals(theQuery.signature()))
				.max(Comparator.comparingDouble(entry -> METHOD.score(theQuery, entry.getValue()))).orElseThrow().getKey();
	}
}
