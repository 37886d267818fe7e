package org.openimd.server.waveform;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A waveform laid out on standard ECG paper, in millimetres: 25 mm/s and 10 mm/mV, a 1 mm grid with
 * every fifth line heavier (40 ms and 0.1 mV; 200 ms and 0.5 mV), one row per channel with its label
 * and a 1 mV × 200 ms calibration pulse, the traces reduced to the lowest and highest sample of each
 * quarter millimetre (10 ms) so that a pacing spike one sample wide is still drawn.
 * The same drawing serves SVG and PNG ({@link PaperCanvas}).
 */
final class EcgPaper {

	static final double SPEED_MM_PER_SECOND = 25;
	static final double GAIN_MM_PER_MILLIVOLT = 10;
	/** Columns per millimetre of the reduced trace. */
	static final int COLUMNS_PER_MM = 4;

	private static final double TITLE_MM = 10;
	private static final double LABEL_MM = 10;
	private static final double PULSE_WIDTH_MM = 0.2 * SPEED_MM_PER_SECOND;
	private static final double TRACE_START_MM = 20;
	private static final double RIGHT_MARGIN_MM = 5;
	private static final double ROW_PADDING_MM = 5;
	private static final double MIN_ROW_MM = 25;

	private final String myTitle;
	private final List<Row> myRows = new ArrayList<>();
	private final double myWidthMm;
	private final double myHeightMm;

	/** A channel's row: its top, height, and where 0 mV lies. */
	private record Row(Waveform.Channel channel, double topMm, double heightMm, double baselineMm) {}

	EcgPaper(Waveform theWaveform, String theTitle) {
		myTitle = theTitle;
		double top = TITLE_MM;
		for (Waveform.Channel channel : theWaveform.channels()) {
			double highest = 1;
			double lowest = 0;
			for (double value : channel.millivolts()) {
				if (Double.isFinite(value)) {
					highest = Math.max(highest, value);
					lowest = Math.min(lowest, value);
				}
			}
			double height = Math.max(MIN_ROW_MM, roundUpToFive((highest - lowest) * GAIN_MM_PER_MILLIVOLT + 2 * ROW_PADDING_MM));
			double baseline = top + (height - (highest - lowest) * GAIN_MM_PER_MILLIVOLT) / 2 + highest * GAIN_MM_PER_MILLIVOLT;
			myRows.add(new Row(channel, top, height, baseline));
			top += height;
		}
		myHeightMm = top;
		myWidthMm = roundUpToFive(TRACE_START_MM + theWaveform.durationSeconds() * SPEED_MM_PER_SECOND + RIGHT_MARGIN_MM);
	}

	/** Up to whole 5 mm squares; sample periods rounded to a microsecond do not cost a square of their own. */
	private static double roundUpToFive(double theMm) {
		return Math.ceil(theMm / 5 - 1e-4) * 5;
	}

	double widthMm() {
		return myWidthMm;
	}

	double heightMm() {
		return myHeightMm;
	}

	/** The x of {@code theSeconds} after the start of the recording. */
	static double xOf(double theSeconds) {
		return TRACE_START_MM + theSeconds * SPEED_MM_PER_SECOND;
	}

	void drawOn(PaperCanvas theCanvas) {
		theCanvas.background(myWidthMm, myHeightMm);
		// The grid starts where the trace does, so that its lines fall on whole multiples of 40 ms.
		double firstLine = TRACE_START_MM - Math.floor(TRACE_START_MM);
		for (int line = 0; firstLine + line <= myWidthMm; line++) {
			double x = firstLine + line;
			theCanvas.gridLine(x, TITLE_MM, x, myHeightMm, Math.round(x - TRACE_START_MM) % 5 == 0);
		}
		for (int line = 0; TITLE_MM + line <= myHeightMm; line++) {
			theCanvas.gridLine(0, TITLE_MM + line, myWidthMm, TITLE_MM + line, line % 5 == 0);
		}
		theCanvas.text(2, TITLE_MM - 3, myTitle + " · " + (int) SPEED_MM_PER_SECOND + " mm/s, " + (int) GAIN_MM_PER_MILLIVOLT + " mm/mV", true);
		for (Row row : myRows) {
			theCanvas.text(1, row.topMm() + 4, row.channel().label(), true);
			double pulseStart = LABEL_MM;
			double pulseTop = row.baselineMm() - GAIN_MM_PER_MILLIVOLT;
			theCanvas.trace(new double[] {pulseStart - 2, pulseStart, pulseStart, pulseStart + PULSE_WIDTH_MM, pulseStart + PULSE_WIDTH_MM,
					pulseStart + PULSE_WIDTH_MM + 2}, new double[] {row.baselineMm(), row.baselineMm(), pulseTop, pulseTop, row.baselineMm(),
					row.baselineMm()});
			traceOf(row).forEach(segment -> theCanvas.trace(segment[0], segment[1]));
		}
	}

	/**
	 * The channel's trace as polylines (x, y in mm), broken where samples are missing: per column its
	 * lowest and highest sample, in the order they occurred, so that a spike keeps its height and the
	 * line runs on from one column to the next as the signal did.
	 */
	private List<double[][]> traceOf(Row theRow) {
		double[] samples = theRow.channel().millivolts();
		double samplesPerColumn = theRow.channel().sampleRateHz() / (SPEED_MM_PER_SECOND * COLUMNS_PER_MM);
		List<double[][]> segments = new ArrayList<>();
		List<double[]> points = new ArrayList<>();
		int columns = (int) Math.ceil(samples.length / samplesPerColumn);
		for (int column = 0; column < columns; column++) {
			int from = (int) Math.floor(column * samplesPerColumn);
			int to = Math.min(samples.length, Math.max(from + 1, (int) Math.floor((column + 1) * samplesPerColumn)));
			int lowest = -1;
			int highest = -1;
			for (int i = from; i < to; i++) {
				if (!Double.isFinite(samples[i])) {
					flush(points, segments);
					lowest = -1;
					highest = -1;
					continue;
				}
				lowest = lowest < 0 || samples[i] < samples[lowest] ? i : lowest;
				highest = highest < 0 || samples[i] > samples[highest] ? i : highest;
			}
			if (lowest < 0) {
				continue;
			}
			int first = Math.min(lowest, highest);
			int second = Math.max(lowest, highest);
			for (int index : new int[] {first, second}) {
				points.add(new double[] {xOf(index * theRow.channel().periodMs() / 1000), theRow.baselineMm() - samples[index] * GAIN_MM_PER_MILLIVOLT});
			}
		}
		flush(points, segments);
		return segments;
	}

	private static void flush(List<double[]> thePoints, List<double[][]> theSegments) {
		if (thePoints.size() > 1) {
			double[] xs = thePoints.stream().mapToDouble(point -> point[0]).toArray();
			double[] ys = thePoints.stream().mapToDouble(point -> point[1]).toArray();
			theSegments.add(new double[][] {xs, ys});
		}
		thePoints.clear();
	}

	static String millimetres(double theValue) {
		return String.format(Locale.ROOT, "%.2f", theValue);
	}
}
