package org.openimd.server.similar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.hl7.fhir.r4.model.Coding;
import org.openimd.server.waveform.Waveform;
import org.openimd.server.waveform.WaveformSamples;
import org.openimd.terminology.OpenImdUris;

/**
 * The latency and recall of {@code $find-similar}'s search at 10k and 100k indexed data sets: the
 * HNSW index (Lucene) against the exact search (every vector compared), both followed by the same
 * exact re-ranking, in one run, for both kinds of data set, all of one signature: the index's worst
 * case, no filter narrowing the search.
 * <ul>
 *   <li>recordings: 10 s windows of MIT-BIH record 208 at random offsets, each another look at the
 *       real signal ({@link SecondRecording}'s gain, wander and noise, seeded);</li>
 *   <li>interrogations: 1,000 synthetic CRT-D interrogations (the IDCO generator, mapped as ingest
 *       maps them), each indexed again and again with every measurement moved by a seeded normal
 *       step of half a unit, so that neighbours are near but not equal.</li>
 * </ul>
 *
 * <pre>mvn -B -o -pl fhir-server -P similarity-benchmark test-compile exec:java</pre>
 */
public final class SimilarityBenchmark {

	private static final SimilarityMethod WAVEFORM_METHOD = SimilarityMethod.load();
	private static final InterrogationComparison INTERROGATION_METHOD = InterrogationComparison.load(Interrogations.TERMS);
	private static final int QUERIES = 200;
	private static final int K = 10;
	private static final int BASE_INTERROGATIONS = 1_000;
	/** Every fourth synthetic patient, from the third, has a CRT-D. */
	private static final int FIRST_CRT_D = 2;

	private record Run(String index, double p50, double p95, double recall) {}

	public static void main(String[] theArguments) {
		double[] record = SecondRecording.record();
		Coding lead = Waveform.of(WaveformSamples.mitBih208Strips().get(0)).channels().get(0).coding();
		List<Comparison.Features> interrogations = IntStream.range(0, BASE_INTERROGATIONS)
				.mapToObj(k -> INTERROGATION_METHOD.features(Interrogations.measurements(Interrogations.message("BENCH", FIRST_CRT_D + 4 * k, 0)))).toList();
		for (int size : new int[] {10_000, 100_000}) {
			measure("recordings", new WaveformComparison(WAVEFORM_METHOD), recordings(record, lead, size, 1), recordings(record, lead, QUERIES, 2));
			measure("interrogations", INTERROGATION_METHOD, moved(interrogations, size, 1), moved(interrogations, QUERIES, 2));
		}
	}

	private static void measure(String theKind, Comparison theComparison, List<Comparison.Features> theIndexed, List<Comparison.Features> theQueries) {
		List<Run> runs = new ArrayList<>();
		try (ExactIndex exact = new ExactIndex(theComparison.metric()); LuceneHnswIndex hnsw = new LuceneHnswIndex(theComparison.metric())) {
			long start = System.nanoTime();
			for (int i = 0; i < theIndexed.size(); i++) {
				exact.put(Integer.toString(i), theIndexed.get(i).signature(), theIndexed.get(i).vector());
				hnsw.put(Integer.toString(i), theIndexed.get(i).signature(), theIndexed.get(i).vector());
			}
			System.out.printf(Locale.ROOT, "%d %s indexed in %.1f s%n", theIndexed.size(), theKind, (System.nanoTime() - start) / 1e9);
			List<Set<String>> truth = new ArrayList<>();
			runs.add(run("exact", theComparison, exact, theIndexed, theQueries, null, truth));
			runs.add(run("hnsw", theComparison, hnsw, theIndexed, theQueries, truth, null));
		}
		Run baseline = runs.get(0);
		for (Run run : runs) {
			System.out.printf(Locale.ROOT, "%,7d %-14s %-5s  p50 %6.2f ms  p95 %6.2f ms (%.2fx exact)  recall@%d of the exact top %d: %.3f%n", theIndexed.size(),
					theKind, run.index(), run.p50(), run.p95(), run.p95() / baseline.p95(), K, K, run.recall());
		}
	}

	/** Each query's stage one (k = the method's candidates) and exact re-ranking; the top ten are compared with {@code theTruth}. */
	private static Run run(String theName, Comparison theComparison, SimilarityIndex theIndex, List<Comparison.Features> theIndexed,
			List<Comparison.Features> theQueries, List<Set<String>> theTruth, List<Set<String>> theTopsOut) {
		double[] millis = new double[theQueries.size()];
		double recall = 0;
		for (int q = 0; q < theQueries.size(); q++) {
			Comparison.Features query = theQueries.get(q);
			long start = System.nanoTime();
			// Each candidate scored once, then sorted, as SimilarCases does: a comparator that scores would score each many times.
			List<String> top = theIndex.nearest(query.signature(), query.vector(), theComparison.candidates()).stream()
					.map(hit -> Map.entry(hit.id(), theComparison.score(query, theIndexed.get(Integer.parseInt(hit.id())))))
					.sorted(Map.Entry.<String, Double>comparingByValue().reversed())
					.limit(K).map(Map.Entry::getKey).toList();
			millis[q] = (System.nanoTime() - start) / 1e6;
			if (theTopsOut != null) {
				theTopsOut.add(new HashSet<>(top));
			} else {
				Set<String> found = new HashSet<>(top);
				found.retainAll(theTruth.get(q));
				recall += (double) found.size() / K;
			}
		}
		Arrays.sort(millis);
		return new Run(theName, millis[millis.length / 2], millis[(int) Math.floor(0.95 * (millis.length - 1))],
				theTopsOut != null ? 1.0 : recall / theQueries.size());
	}

	private static List<Comparison.Features> recordings(double[] theRecord, Coding theLead, int theCount, long theSeed) {
		SplittableRandom offsets = new SplittableRandom(theSeed);
		List<Comparison.Features> recordings = new ArrayList<>();
		int window = (int) Math.round(10 * SecondRecording.RATE);
		while (recordings.size() < theCount) {
			double shift = offsets.nextInt(theRecord.length - 2 * window) / SecondRecording.RATE;
			double[] millivolts = SecondRecording.of(theRecord, 0, shift, offsets.nextLong());
			try {
				recordings.add(WaveformFeatures.of(new Waveform(OpenImdUris.ECG_STRIP,
						List.of(new Waveform.Channel("II", theLead, 1000 / SecondRecording.RATE, millivolts))), WAVEFORM_METHOD));
			} catch (WaveformFeatures.NoFeaturesException e) {
				// A window of noise without beats is no recording to index.
			}
		}
		return recordings;
	}

	/** {@code theCount} interrogations, each one of {@code theBase} with every measurement moved by a normal step of half a unit. */
	private static List<Comparison.Features> moved(List<Comparison.Features> theBase, int theCount, long theSeed) {
		SplittableRandom random = new SplittableRandom(theSeed);
		List<Comparison.Features> moved = new ArrayList<>();
		for (int i = 0; i < theCount; i++) {
			InterrogationComparison.InterrogationFeatures base = (InterrogationComparison.InterrogationFeatures) theBase.get(random.nextInt(theBase.size()));
			double[] units = base.units().clone();
			for (int f = 0; f < units.length; f++) {
				units[f] += 0.5 * Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
			}
			moved.add(new InterrogationComparison.InterrogationFeatures(base.signature(), units));
		}
		return moved;
	}
}
