package org.openimd.server.similar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.hl7.fhir.r4.model.Coding;
import org.openimd.server.waveform.Waveform;
import org.openimd.server.waveform.WaveformSamples;
import org.openimd.terminology.OpenImdUris;

/**
 * The latency and recall of {@code $find-similar}'s search at 10k and 100k indexed recordings: the
 * HNSW index (Lucene) against the exact search (every vector compared), both followed by the same
 * exact re-ranking, in one run. Recordings are 10 s windows of MIT-BIH record 208 at random offsets,
 * each another look at the real signal ({@link SecondRecording}'s gain, wander and noise, seeded),
 * all of one signature: the index's worst case, no filter narrowing the search.
 *
 * <pre>mvn -B -o -pl fhir-server -P similarity-benchmark test-compile exec:java</pre>
 */
public final class SimilarityBenchmark {

	private static final SimilarityMethod METHOD = SimilarityMethod.load();
	private static final int QUERIES = 200;
	private static final int K = 10;

	private record Run(String index, double p50, double p95, double recall) {}

	public static void main(String[] theArguments) {
		double[] record = SecondRecording.record();
		Coding lead = Waveform.of(WaveformSamples.mitBih208Strips().get(0)).channels().get(0).coding();
		for (int size : new int[] {10_000, 100_000}) {
			List<WaveformFeatures> indexed = recordings(record, lead, size, 1);
			List<WaveformFeatures> queries = recordings(record, lead, QUERIES, 2);
			List<Run> runs = new ArrayList<>();
			try (ExactIndex exact = new ExactIndex(SimilarityIndex.Metric.DOT_PRODUCT); LuceneHnswIndex hnsw = new LuceneHnswIndex(SimilarityIndex.Metric.DOT_PRODUCT)) {
				long start = System.nanoTime();
				for (int i = 0; i < indexed.size(); i++) {
					exact.put(Integer.toString(i), indexed.get(i).signature(), indexed.get(i).vector());
					hnsw.put(Integer.toString(i), indexed.get(i).signature(), indexed.get(i).vector());
				}
				System.out.printf(Locale.ROOT, "%d recordings indexed in %.1f s%n", size, (System.nanoTime() - start) / 1e9);
				List<Set<String>> truth = new ArrayList<>();
				runs.add(run("exact", exact, indexed, queries, null, truth));
				runs.add(run("hnsw", hnsw, indexed, queries, truth, null));
			}
			Run baseline = runs.get(0);
			for (Run run : runs) {
				System.out.printf(Locale.ROOT, "%,7d indexed  %-5s  p50 %6.2f ms  p95 %6.2f ms (%.2fx exact)  recall@%d of the exact top %d: %.3f%n", size,
						run.index(), run.p50(), run.p95(), run.p95() / baseline.p95(), K, K, run.recall());
			}
		}
	}

	/** Each query's stage one (k = the method's candidates) and exact re-ranking; the top ten are compared with {@code theTruth}. */
	private static Run run(String theName, SimilarityIndex theIndex, List<WaveformFeatures> theIndexed, List<WaveformFeatures> theQueries,
			List<Set<String>> theTruth, List<Set<String>> theTopsOut) {
		double[] millis = new double[theQueries.size()];
		double recall = 0;
		for (int q = 0; q < theQueries.size(); q++) {
			WaveformFeatures query = theQueries.get(q);
			long start = System.nanoTime();
			List<String> top = theIndex.nearest(query.signature(), query.vector(), METHOD.candidates()).stream()
					.sorted(Comparator.comparingDouble((SimilarityIndex.Hit hit) -> -query.score(theIndexed.get(Integer.parseInt(hit.id())), METHOD)))
					.limit(K).map(SimilarityIndex.Hit::id).toList();
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

	private static List<WaveformFeatures> recordings(double[] theRecord, Coding theLead, int theCount, long theSeed) {
		SplittableRandom offsets = new SplittableRandom(theSeed);
		List<WaveformFeatures> recordings = new ArrayList<>();
		int window = (int) Math.round(10 * SecondRecording.RATE);
		while (recordings.size() < theCount) {
			double shift = offsets.nextInt(theRecord.length - 2 * window) / SecondRecording.RATE;
			double[] millivolts = SecondRecording.of(theRecord, 0, shift, offsets.nextLong());
			try {
				recordings.add(WaveformFeatures.of(new Waveform(OpenImdUris.ECG_STRIP,
						List.of(new Waveform.Channel("II", theLead, 1000 / SecondRecording.RATE, millivolts))), METHOD));
			} catch (WaveformFeatures.NoFeaturesException e) {
				// A window of noise without beats is no recording to index.
			}
		}
		return recordings;
	}
}
