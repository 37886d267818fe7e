package org.openimd.server.similar;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openimd.server.waveform.Waveform;
import org.openimd.server.waveform.WaveformSamples;
import org.openimd.terminology.OpenImdUris;

/**
 * Similarity on real recordings: the 30 ten-second strips of MIT-BIH record 208 are the diagnosed
 * data sets; each query is one of them as another recording of it would look ({@link SecondRecording}:
 * shifted in time, with noise, baseline wander and another gain), and must find its original first and above the
 * threshold; windows of another heart (the pydicom 12-lead's lead II, sinus rhythm) must stay below
 * it. The perturbations are added to the real signal; nothing here is a made-up ECG.
 */
class SimilarityQualityTest {

	private static final SimilarityMethod METHOD = SimilarityMethod.load();
	private static final double RATE = 360;
	private static final int STRIP = 3600;

	private static double[] record;
	private static Coding lead;
	private static List<WaveformFeatures> diagnosed;

	@BeforeAll
	static void theThirtyStripsAreIndexed() {
		lead = Waveform.of(WaveformSamples.mitBih208Strips().get(0)).channels().get(0).coding();
		record = SecondRecording.record();
		diagnosed = IntStream.range(0, 30).mapToObj(k -> features(Arrays.copyOfRange(record, k * STRIP, (k + 1) * STRIP), RATE)).toList();
	}

	@Test
	void aSecondRecordingOfADiagnosedStripFindsItFirstAndAboveTheThreshold() {
		int queries = 0;
		int firstRight = 0;
		int inTopThree = 0;
		int ownAboveThreshold = 0;
		List<String> report = new ArrayList<>();
		for (int k = 0; k < 29; k++) {
			double[] query = SecondRecording.of(record, k, 0.7, k);
			WaveformFeatures features;
			try {
				features = features(query, RATE);
			} catch (WaveformFeatures.NoFeaturesException e) {
				continue;
			}
			queries++;
			List<Integer> ranked = ranked(features);
			double best = features.score(diagnosed.get(ranked.get(0)), METHOD);
			firstRight += ranked.get(0) == k ? 1 : 0;
			inTopThree += ranked.subList(0, 3).contains(k) ? 1 : 0;
			ownAboveThreshold += features.score(diagnosed.get(k), METHOD) >= METHOD.threshold() ? 1 : 0;
			report.add(String.format("strip %2d: top %2d (%.3f), own %.3f", k, ranked.get(0), best, features.score(diagnosed.get(k), METHOD)));
		}
		System.out.printf("precision@1 %d/%d, original in the top 3 %d/%d, original at or above the threshold %.2f: %d/%d%n%s%n", firstRight,
				queries, inTopThree, queries, METHOD.threshold(), ownAboveThreshold, queries, String.join("\n", report));
		assertThat(queries).isGreaterThanOrEqualTo(25);
		assertThat((double) firstRight / queries).as("precision@1").isGreaterThanOrEqualTo(0.9);
		assertThat((double) inTopThree / queries).as("original within the top 3").isGreaterThanOrEqualTo(0.95);
		assertThat((double) ownAboveThreshold / queries).as("originals found at or above the threshold").isGreaterThanOrEqualTo(0.95);
	}

	@Test
	void windowsOfAnotherHeartStayBelowTheThreshold() {
		Waveform.Channel leadTwo = Waveform.of(WaveformSamples.twelveLeadEcg()).channels().get(1);
		double rate = leadTwo.sampleRateHz();
		int window = (int) Math.round(5 * rate);
		List<Double> bests = new ArrayList<>();
		for (int start = 0; start + window <= leadTwo.millivolts().length; start += window / 2) {
			WaveformFeatures other = features(Arrays.copyOfRange(leadTwo.millivolts(), start, start + window), rate);
			bests.add(diagnosed.stream().mapToDouble(candidate -> other.score(candidate, METHOD)).max().orElseThrow());
		}
		System.out.println("another heart's best scores: " + bests);
		assertThat(bests).hasSizeGreaterThanOrEqualTo(3).allSatisfy(best -> assertThat(best).isLessThan(METHOD.threshold()));
	}

	@Test
	void theIndexVectorIsUnitLengthAndItsDotProductTheWeightedTemplateAndRhythmMatch() {
		WaveformFeatures one = diagnosed.get(3);
		double norm = 0;
		for (float value : one.vector()) {
			norm += value * value;
		}
		assertThat(norm).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
		assertThat(one.score(one, METHOD)).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-9));
	}

	private static List<Integer> ranked(WaveformFeatures theQuery) {
		return IntStream.range(0, diagnosed.size()).boxed()
				.sorted(Comparator.comparingDouble((Integer k) -> theQuery.score(diagnosed.get(k), METHOD)).reversed()).toList();
	}

	private static WaveformFeatures features(double[] theMillivolts, double theRate) {
		return WaveformFeatures.of(new Waveform(OpenImdUris.ECG_STRIP, List.of(new Waveform.Channel("II", lead, 1000 / theRate, theMillivolts))),
				METHOD);
	}
}
