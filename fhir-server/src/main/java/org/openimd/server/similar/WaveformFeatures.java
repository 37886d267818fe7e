package org.openimd.server.similar;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.openimd.server.waveform.Waveform;

/**
 * What a waveform is compared by: per channel the median beat (its morphology) and the distribution
 * of its RR intervals (its rhythm), as a unit vector for the index and at a finer resolution for the
 * exact re-ranking.
 *
 * <p>Beats are found on the first channel with a derivative-energy detector (after Pan and Tompkins):
 * the baseline (a moving average over 0.6 s) is removed, the squared slope is integrated over 150 ms,
 * and each peak above a fifth of the largest within 1.5 s and above the noise floor, at least 250 ms
 * from the last, marks a beat, its fiducial point the largest deflection within 80 ms before the peak.
 *
 * @param signature what may be compared with what: the kind and the channels, in order
 * @param vector unit length: the weighted, unit-norm channel templates and rhythm block
 * @param templates per channel, the median beat at the re-ranking rate, mean-centred, unit norm
 * @param rhythm the rhythm block, unit norm
 * @param beatSequence per beat, its RR interval before it (ms) and how closely its shape on the
 *     first channel matches the median beat (NCC): the order in which the rhythm unfolds, which the
 *     exact re-ranking compares beat by beat
 */
record WaveformFeatures(String signature, float[] vector, double[][] templates, double[] rhythm, double[][] beatSequence) implements Comparison.Features {

	private static final double BASELINE_WINDOW_S = 0.6;
	private static final double INTEGRATION_WINDOW_S = 0.15;
	private static final double REFRACTORY_S = 0.25;
	private static final double FIDUCIAL_SEARCH_S = 0.08;
	/** RR histogram bin edges (ms), log-spaced from 250 to 2000 (240 to 30 beats per minute). */
	private static final double[] RR_EDGES = {250, 324, 420, 545, 707, 917, 1189, 1542, 2000};
	/** Successive RR differences (ms): regular, mildly, clearly and grossly irregular. */
	private static final double[] DELTA_EDGES = {0, 50, 150, 300, Double.MAX_VALUE};
	private static final int MIN_BEATS = 3;
	/** A peak counts when above this share of the largest within {@link #LOCAL_WINDOW_S} either side, so that tall ectopic beats do not hide the normal ones beside them. */
	private static final double LOCAL_FRACTION = 0.2;
	private static final double LOCAL_WINDOW_S = 1.5;
	/** ...and above this many times the median energy, so that a flat stretch's noise is no beat. */
	private static final double NOISE_FLOOR_FACTOR = 4;

	/** The features of {@code theWaveform}, or why it has none (too few beats to speak of a morphology or rhythm). */
	static WaveformFeatures of(Waveform theWaveform, SimilarityMethod theMethod) {
		List<Waveform.Channel> channels = theWaveform.channels();
		Waveform.Channel lead = channels.get(0);
		double rate = lead.sampleRateHz();
		double[][] clean = channels.stream().map(channel -> withoutBaseline(channel.millivolts(), channel.sampleRateHz())).toArray(double[][]::new);
		int[] fiducials = beats(clean[0], rate);
		if (fiducials.length < MIN_BEATS) {
			throw new NoFeaturesException("only " + fiducials.length + " beats found; at least " + MIN_BEATS + " are needed");
		}
		double[][] indexTemplates = new double[channels.size()][];
		double[][] fineTemplates = new double[channels.size()][];
		for (int c = 0; c < channels.size(); c++) {
			double channelRate = channels.get(c).sampleRateHz();
			int[] at = Arrays.stream(fiducials).map(index -> (int) Math.round(index * channelRate / rate)).toArray();
			double[] median = medianBeat(clean[c], channelRate, at, theMethod);
			int finePoints = (int) Math.round((theMethod.beforeMs() + theMethod.afterMs()) * theMethod.rerankRateHz() / 1000) + 1;
			fineTemplates[c] = normalised(resample(median, finePoints));
			indexTemplates[c] = normalised(resample(median, theMethod.indexPoints()));
		}
		double[] rhythm = rhythm(fiducials, rate);
		double[][] sequence = beatSequence(clean[0], rate, fiducials, theMethod);
		float[] vector = new float[channels.size() * theMethod.indexPoints() + rhythm.length];
		double channelWeight = Math.sqrt(theMethod.morphologyWeight() / channels.size());
		for (int c = 0; c < channels.size(); c++) {
			for (int i = 0; i < theMethod.indexPoints(); i++) {
				vector[c * theMethod.indexPoints() + i] = (float) (channelWeight * indexTemplates[c][i]);
			}
		}
		double rhythmWeight = Math.sqrt(theMethod.rhythmWeight());
		for (int i = 0; i < rhythm.length; i++) {
			vector[channels.size() * theMethod.indexPoints() + i] = (float) (rhythmWeight * rhythm[i]);
		}
		String signature = theWaveform.kind() + ":" + channels.stream().map(channel -> channel.coding().getSystem() + "|" + channel.coding().getCode())
				.collect(Collectors.joining(","));
		return new WaveformFeatures(signature, vector, fineTemplates, rhythm, sequence);
	}

	/**
	 * The exact score of two waveforms of one signature: the weighted sum of their morphology (over
	 * the channels, the best normalised cross-correlation of their templates within the allowed lag)
	 * and their rhythm (half the cosine of their rhythm blocks, half how alike their beat sequences
	 * are once aligned). 1 is identical; the index's dot product approximates
	 * it from the templates and rhythm blocks alone.
	 */
	double score(WaveformFeatures theOther, SimilarityMethod theMethod) {
		int maxLag = (int) Math.round(theMethod.maxLagMs() * theMethod.rerankRateHz() / 1000);
		double morphology = 0;
		for (int c = 0; c < templates.length; c++) {
			morphology += bestLaggedCorrelation(templates[c], theOther.templates[c], maxLag);
		}
		morphology /= templates.length;
		double rhythmMatch = (dot(rhythm, theOther.rhythm) + sequenceSimilarity(beatSequence, theOther.beatSequence, theMethod)) / 2;
		return theMethod.morphologyWeight() * morphology + theMethod.rhythmWeight() * rhythmMatch;
	}

	/**
	 * How alike two beat sequences are, 1 / (1 + the mean cost of the best alignment): the sequences
	 * are laid side by side at every offset of up to {@code sequence.max-offset-beats} beats (a second
	 * recording of the same stretch starts a beat or two earlier or later) over at least
	 * {@code sequence.min-overlap} of the shorter, a pair of beats costing their RR difference over
	 * {@code sequence.rr-scale-ms} plus their shape-match difference over {@code sequence.shape-scale}.
	 */
	static double sequenceSimilarity(double[][] theOne, double[][] theOther, SimilarityMethod theMethod) {
		int shorter = Math.min(theOne.length, theOther.length);
		int minimumOverlap = Math.max(1, (int) Math.ceil(theMethod.sequenceMinOverlap() * shorter));
		double best = Double.POSITIVE_INFINITY;
		for (int offset = -theMethod.sequenceMaxOffsetBeats(); offset <= theMethod.sequenceMaxOffsetBeats(); offset++) {
			double cost = 0;
			int pairs = 0;
			for (int i = Math.max(0, -offset); i < theOne.length && i + offset < theOther.length; i++) {
				double[] one = theOne[i];
				double[] other = theOther[i + offset];
				cost += Math.abs(one[0] - other[0]) / theMethod.sequenceRrScaleMs() + Math.abs(one[1] - other[1]) / theMethod.sequenceShapeScale();
				pairs++;
			}
			if (pairs >= minimumOverlap) {
				best = Math.min(best, cost / pairs);
			}
		}
		return Double.isInfinite(best) ? 0 : 1 / (1 + best);
	}

	/** Per beat after the first: the RR interval before it, and its shape's NCC with the median beat. */
	private static double[][] beatSequence(double[] theClean, double theRate, int[] theFiducials, SimilarityMethod theMethod) {
		int before = (int) Math.round(theMethod.beforeMs() * theRate / 1000);
		int after = (int) Math.round(theMethod.afterMs() * theRate / 1000);
		double[] median = normalised(medianBeat(theClean, theRate, theFiducials, theMethod));
		List<double[]> sequence = new ArrayList<>();
		for (int i = 1; i < theFiducials.length; i++) {
			int fiducial = theFiducials[i];
			double shape = 0;
			if (fiducial - before >= 0 && fiducial + after < theClean.length) {
				try {
					shape = dot(normalised(Arrays.copyOfRange(theClean, fiducial - before, fiducial + after + 1)), median);
				} catch (NoFeaturesException e) {
					shape = 0;
				}
			}
			sequence.add(new double[] {(fiducial - theFiducials[i - 1]) * 1000 / theRate, shape});
		}
		return sequence.toArray(double[][]::new);
	}

	private static double[] withoutBaseline(double[] theSamples, double theRate) {
		double[] finite = Arrays.stream(theSamples).map(value -> Double.isFinite(value) ? value : 0).toArray();
		int half = Math.max(1, (int) Math.round(BASELINE_WINDOW_S * theRate / 2));
		double[] prefix = new double[finite.length + 1];
		for (int i = 0; i < finite.length; i++) {
			prefix[i + 1] = prefix[i] + finite[i];
		}
		double[] clean = new double[finite.length];
		for (int i = 0; i < finite.length; i++) {
			int from = Math.max(0, i - half);
			int to = Math.min(finite.length, i + half + 1);
			clean[i] = finite[i] - (prefix[to] - prefix[from]) / (to - from);
		}
		return clean;
	}

	static int[] beats(double[] theClean, double theRate) {
		int n = theClean.length;
		double[] energy = new double[n];
		for (int i = 1; i < n - 1; i++) {
			double slope = (theClean[i + 1] - theClean[i - 1]) * theRate / 2;
			energy[i] = slope * slope;
		}
		int window = Math.max(1, (int) Math.round(INTEGRATION_WINDOW_S * theRate));
		double[] integrated = new double[n];
		double sum = 0;
		for (int i = 0; i < n; i++) {
			sum += energy[i] - (i >= window ? energy[i - window] : 0);
			integrated[i] = sum / window;
		}
		double[] sorted = integrated.clone();
		Arrays.sort(sorted);
		double floor = NOISE_FLOOR_FACTOR * sorted[n / 2];
		double[] localMax = slidingMaximum(integrated, (int) Math.round(LOCAL_WINDOW_S * theRate));
		int refractory = (int) Math.round(REFRACTORY_S * theRate);
		int search = (int) Math.round(FIDUCIAL_SEARCH_S * theRate);
		List<Integer> fiducials = new ArrayList<>();
		int last = -refractory;
		for (int i = 1; i < n - 1; i++) {
			double threshold = Math.max(floor, LOCAL_FRACTION * localMax[i]);
			boolean peak = integrated[i] > threshold && integrated[i] >= integrated[i - 1] && integrated[i] > integrated[i + 1];
			if (!peak) {
				continue;
			}
			int fiducial = i;
			for (int j = Math.max(0, i - search); j <= i; j++) {
				if (Math.abs(theClean[j]) > Math.abs(theClean[fiducial])) {
					fiducial = j;
				}
			}
			if (fiducial - last >= refractory) {
				fiducials.add(fiducial);
				last = fiducial;
			} else if (Math.abs(theClean[fiducial]) > Math.abs(theClean[last])) {
				// The same beat seen again: keep its larger deflection.
				fiducials.set(fiducials.size() - 1, fiducial);
				last = fiducial;
			}
		}
		return fiducials.stream().mapToInt(Integer::intValue).toArray();
	}

	/** Per sample, the largest value within {@code theHalfWidth} samples either side (a monotonic deque, linear time). */
	private static double[] slidingMaximum(double[] theValues, int theHalfWidth) {
		int n = theValues.length;
		double[] maximum = new double[n];
		ArrayDeque<Integer> candidates = new ArrayDeque<>();
		int next = 0;
		for (int i = 0; i < n; i++) {
			for (; next < n && next <= i + theHalfWidth; next++) {
				while (!candidates.isEmpty() && theValues[candidates.peekLast()] <= theValues[next]) {
					candidates.pollLast();
				}
				candidates.addLast(next);
			}
			while (candidates.peekFirst() < i - theHalfWidth) {
				candidates.pollFirst();
			}
			maximum[i] = theValues[candidates.peekFirst()];
		}
		return maximum;
	}

	/** The pointwise median of the beats that fit whole in the recording. */
	private static double[] medianBeat(double[] theClean, double theRate, int[] theFiducials, SimilarityMethod theMethod) {
		int before = (int) Math.round(theMethod.beforeMs() * theRate / 1000);
		int after = (int) Math.round(theMethod.afterMs() * theRate / 1000);
		List<double[]> beats = new ArrayList<>();
		for (int fiducial : theFiducials) {
			if (fiducial - before >= 0 && fiducial + after < theClean.length) {
				beats.add(Arrays.copyOfRange(theClean, fiducial - before, fiducial + after + 1));
			}
		}
		if (beats.isEmpty()) {
			throw new NoFeaturesException("no beat lies whole within the recording");
		}
		double[] median = new double[before + after + 1];
		double[] column = new double[beats.size()];
		for (int i = 0; i < median.length; i++) {
			for (int b = 0; b < beats.size(); b++) {
				column[b] = beats.get(b)[i];
			}
			Arrays.sort(column);
			median[i] = column.length % 2 == 1 ? column[column.length / 2] : (column[column.length / 2 - 1] + column[column.length / 2]) / 2;
		}
		return median;
	}

	private static double[] rhythm(int[] theFiducials, double theRate) {
		double[] block = new double[RR_EDGES.length - 1 + DELTA_EDGES.length - 1];
		double previous = Double.NaN;
		for (int i = 1; i < theFiducials.length; i++) {
			double rr = (theFiducials[i] - theFiducials[i - 1]) * 1000 / theRate;
			block[bin(RR_EDGES, rr)]++;
			if (!Double.isNaN(previous)) {
				block[RR_EDGES.length - 1 + bin(DELTA_EDGES, Math.abs(rr - previous))]++;
			}
			previous = rr;
		}
		return unit(block);
	}

	private static int bin(double[] theEdges, double theValue) {
		for (int i = 1; i < theEdges.length - 1; i++) {
			if (theValue < theEdges[i]) {
				return i - 1;
			}
		}
		return theEdges.length - 2;
	}

	private static double[] resample(double[] theSeries, int thePoints) {
		double[] resampled = new double[thePoints];
		for (int i = 0; i < thePoints; i++) {
			double position = i * (theSeries.length - 1.0) / (thePoints - 1);
			int left = (int) Math.floor(position);
			int right = Math.min(theSeries.length - 1, left + 1);
			resampled[i] = theSeries[left] + (position - left) * (theSeries[right] - theSeries[left]);
		}
		return resampled;
	}

	/** Mean-centred and unit length: the dot product of two such series is their normalised cross-correlation. */
	static double[] normalised(double[] theSeries) {
		double mean = Arrays.stream(theSeries).average().orElse(0);
		return unit(Arrays.stream(theSeries).map(value -> value - mean).toArray());
	}

	private static double[] unit(double[] theSeries) {
		double norm = Math.sqrt(dot(theSeries, theSeries));
		if (norm == 0) {
			throw new NoFeaturesException("a flat signal has no shape to compare");
		}
		return Arrays.stream(theSeries).map(value -> value / norm).toArray();
	}

	static double dot(double[] theOne, double[] theOther) {
		double sum = 0;
		for (int i = 0; i < theOne.length; i++) {
			sum += theOne[i] * theOther[i];
		}
		return sum;
	}

	/**
	 * NCC over the overlap at each lag from -theMaxLag to theMaxLag, the best of them; a flat overlap
	 * says nothing at its lag. The same as the dot product of the overlaps {@link #normalised}, without
	 * copying them: the exact re-ranking computes it for every candidate, channel and lag.
	 */
	static double bestLaggedCorrelation(double[] theOne, double[] theOther, int theMaxLag) {
		double best = -1;
		for (int lag = -theMaxLag; lag <= theMaxLag; lag++) {
			int from = Math.max(0, -lag);
			int to = Math.min(theOne.length, theOther.length - lag);
			if (to <= from) {
				continue;
			}
			double sumOne = 0;
			double sumOther = 0;
			boolean oneVaries = false;
			boolean otherVaries = false;
			for (int i = from; i < to; i++) {
				sumOne += theOne[i];
				sumOther += theOther[i + lag];
				oneVaries |= theOne[i] != theOne[from];
				otherVaries |= theOther[i + lag] != theOther[from + lag];
			}
			if (!oneVaries || !otherVaries) {
				continue;
			}
			double meanOne = sumOne / (to - from);
			double meanOther = sumOther / (to - from);
			double product = 0;
			double squaresOne = 0;
			double squaresOther = 0;
			for (int i = from; i < to; i++) {
				double one = theOne[i] - meanOne;
				double other = theOther[i + lag] - meanOther;
				product += one * other;
				squaresOne += one * one;
				squaresOther += other * other;
			}
			best = Math.max(best, product / Math.sqrt(squaresOne * squaresOther));
		}
		return best;
	}

	/** Why a waveform cannot be compared (no beats, a flat line). */
	static class NoFeaturesException extends RuntimeException {
		NoFeaturesException(String theMessage) {
			super(theMessage);
		}
	}
}
