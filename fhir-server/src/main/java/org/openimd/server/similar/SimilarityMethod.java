package org.openimd.server.similar;

/**
 * The parameters of waveform comparison, kept as data with their reasons in the terminology module
 * ({@code similarity/waveform-similarity.properties}); every score cites the version.
 */
record SimilarityMethod(String version, double beforeMs, double afterMs, int indexPoints, double rerankRateHz, double maxLagMs,
		int sequenceMaxOffsetBeats, double sequenceMinOverlap, double sequenceRrScaleMs, double sequenceShapeScale, double morphologyWeight, double rhythmWeight, int candidates,
		double threshold) {

	private static final String RESOURCE = "/org/openimd/terminology/similarity/waveform-similarity.properties";

	SimilarityMethod {
		if (Math.abs(morphologyWeight + rhythmWeight - 1) > 1e-9) {
			throw new IllegalArgumentException("the weights of morphology and rhythm must sum to 1");
		}
	}

	static SimilarityMethod load() {
		MethodData values = MethodData.load(RESOURCE);
		return new SimilarityMethod(values.text("version"), values.number("template.before-ms"), values.number("template.after-ms"),
				(int) values.number("template.index-points"), values.number("template.rerank-rate-hz"), values.number("rerank.max-lag-ms"),
				(int) values.number("sequence.max-offset-beats"), values.number("sequence.min-overlap"), values.number("sequence.rr-scale-ms"),
				values.number("sequence.shape-scale"), values.number("weight.morphology"), values.number("weight.rhythm"), (int) values.number("candidates"),
				values.number("threshold"));
	}

	/** The same method with another threshold (a clinic's own calibration). */
	SimilarityMethod withThreshold(double theThreshold) {
		return new SimilarityMethod(version, beforeMs, afterMs, indexPoints, rerankRateHz, maxLagMs, sequenceMaxOffsetBeats, sequenceMinOverlap, sequenceRrScaleMs,
				sequenceShapeScale, morphologyWeight, rhythmWeight, candidates, theThreshold);
	}
}
