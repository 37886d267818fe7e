package org.openimd.server.similar;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every vector compared with the query: exact and deterministic, fast enough to about 10^5 data sets (ecg.md 3.2). */
class ExactIndex implements SimilarityIndex {

	private record Indexed(String signature, float[] vector) {}

	private final Map<String, Indexed> myVectors = new ConcurrentHashMap<>();
	private final Metric myMetric;

	ExactIndex(Metric theMetric) {
		myMetric = theMetric;
	}

	@Override
	public void put(String theId, String theSignature, float[] theVector) {
		myVectors.put(theId, new Indexed(theSignature, theVector.clone()));
	}

	@Override
	public List<Hit> nearest(String theSignature, float[] theVector, int theCount) {
		return myVectors.entrySet().stream().filter(entry -> entry.getValue().signature().equals(theSignature))
				.map(entry -> new Hit(entry.getKey(), nearness(theVector, entry.getValue().vector())))
				.sorted(Comparator.comparingDouble(Hit::score).reversed().thenComparing(Hit::id))
				.limit(theCount).toList();
	}

	private double nearness(float[] theOne, float[] theOther) {
		if (theOne.length != theOther.length) {
			return Double.NEGATIVE_INFINITY;
		}
		double sum = 0;
		for (int i = 0; i < theOne.length; i++) {
			sum += myMetric == Metric.DOT_PRODUCT ? theOne[i] * theOther[i] : -(theOne[i] - theOther[i]) * (theOne[i] - theOther[i]);
		}
		return sum;
	}

	@Override
	public int size() {
		return myVectors.size();
	}

	@Override
	public void close() {
		myVectors.clear();
	}
}
