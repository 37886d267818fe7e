package org.openimd.benchmark;

import java.util.Arrays;

/** Percentiles of measured latencies, by the nearest-rank method. */
final class Latencies {

	private Latencies() {}

	static double percentileMillis(long[] theNanos, double thePercentile) {
		if (theNanos.length == 0) {
			return Double.NaN;
		}
		long[] sorted = theNanos.clone();
		Arrays.sort(sorted);
		return sorted[Math.min(sorted.length - 1, (int) Math.ceil(thePercentile * sorted.length) - 1)] / 1e6;
	}
}
