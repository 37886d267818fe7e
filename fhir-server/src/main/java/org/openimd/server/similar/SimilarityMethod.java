package org.openimd.server.similar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

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
		Properties values = new Properties();
		try (InputStream in = SimilarityMethod.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			values.load(in);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return new SimilarityMethod(values.getProperty("version"), number(values, "template.before-ms"), number(values, "template.after-ms"),
				(int) number(values, "template.index-points"), number(values, "template.rerank-rate-hz"), number(values, "rerank.max-lag-ms"),
				(int) number(values, "sequence.max-offset-beats"), number(values, "sequence.min-overlap"), number(values, "sequence.rr-scale-ms"), number(values, "sequence.shape-scale"),
				number(values, "weight.morphology"), number(values, "weight.rhythm"), (int) number(values, "candidates"),
				number(values, "threshold"));
	}

	/** The same method with another threshold (a clinic's own calibration). */
	SimilarityMethod withThreshold(double theThreshold) {
		return new SimilarityMethod(version, beforeMs, afterMs, indexPoints, rerankRateHz, maxLagMs, sequenceMaxOffsetBeats, sequenceMinOverlap, sequenceRrScaleMs,
				sequenceShapeScale, morphologyWeight, rhythmWeight, candidates, theThreshold);
	}

	private static double number(Properties theValues, String theKey) {
		String value = theValues.getProperty(theKey);
		if (value == null) {
			throw new IllegalStateException(RESOURCE + " has no " + theKey);
		}
		return Double.parseDouble(value.trim());
	}
}
