package org.openimd.server.analytics;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleFunction;
import org.openimd.server.analytics.ChartCanvas.Weight;

/**
 * A chart of lines over years since implant, one per stratum the answer shows, with a legend that also
 * names, without a line, the strata it does not (suppressed, or too few followed).
 */
final class LineChart {

	private static final int WIDTH = 860;
	private static final int LEFT = 80;
	private static final int RIGHT = 500;
	private static final int TOP = 80;
	private static final int BOTTOM = 380;
	private static final int LEGEND = 530;
	private static final int GRID = 0xd0d0d0;

	/**
	 * One legend entry: a line through years ({@code xs}) and values ({@code ys}), or, with no points,
	 * only its label, saying why; {@code total} draws it dashed and bold (all strata together).
	 */
	record Entry(String label, double[] xs, double[] ys, boolean total) {

		static Entry withoutLine(String theLabel) {
			return new Entry(theLabel, new double[0], new double[0], false);
		}
	}

	/** The words of a chart: its title (also what screen readers say), its description, and the line under the heading. */
	record Words(String title, String description, String subtitle, String xAxis) {}

	private LineChart() {}

	/**
	 * @param theTop the value at the top of the chart (0 at the bottom)
	 * @param theTick how a value on the vertical axis is labelled
	 */
	static void draw(ChartCanvas theCanvas, Words theWords, double theTop, DoubleFunction<String> theTick, List<Entry> theEntries) {
		int years = (int) Math.max(1, Math.ceil(theEntries.stream().flatMapToDouble(entry -> Arrays.stream(entry.xs())).max().orElse(1)));
		theCanvas.begin(WIDTH, Math.max(BOTTOM + 60, TOP + theEntries.size() * 22 + 20), theWords.title(), theWords.description());
		theCanvas.text(16, 30, theWords.title(), 18, Weight.BOLD, Charts.INK);
		theCanvas.text(16, 52, theWords.subtitle(), 14, Weight.PLAIN, Charts.MUTED);
		for (int quarter = 0; quarter <= 4; quarter++) {
			double y = y(theTop * quarter / 4, theTop);
			theCanvas.line(new double[] {LEFT, RIGHT}, new double[] {y, y}, GRID, 1, false);
			theCanvas.text(16, y + 5, theTick.apply(theTop * quarter / 4), 12, Weight.PLAIN, Charts.MUTED);
		}
		for (int year = 0; year <= years; year++) {
			theCanvas.text(x(year, years) - 4, BOTTOM + 20, String.valueOf(year), 12, Weight.PLAIN, Charts.MUTED);
		}
		theCanvas.text(LEFT + 140, BOTTOM + 42, theWords.xAxis(), 13, Weight.PLAIN, Charts.INK);
		int legendY = TOP;
		int colour = 0;
		for (Entry entry : theEntries) {
			if (entry.xs().length == 0) {
				theCanvas.text(LEGEND, legendY + 5, entry.label(), 13, Weight.ITALIC, Charts.MUTED);
			} else {
				int rgb = entry.total() ? Charts.INK : Charts.COLOURS.get(colour++ % Charts.COLOURS.size());
				double[] xs = Arrays.stream(entry.xs()).map(year -> x(year, years)).toArray();
				double[] ys = Arrays.stream(entry.ys()).map(value -> y(value, theTop)).toArray();
				theCanvas.line(xs, ys, rgb, entry.total() ? 2.5 : 2, entry.total());
				theCanvas.line(new double[] {LEGEND, LEGEND + 26}, new double[] {legendY, legendY}, rgb, entry.total() ? 2.5 : 2, entry.total());
				theCanvas.text(LEGEND + 34, legendY + 5, entry.label(), 13, entry.total() ? Weight.BOLD : Weight.PLAIN, Charts.INK);
			}
			legendY += 22;
		}
	}

	private static double x(double theYear, int theYears) {
		return LEFT + theYear / theYears * (RIGHT - LEFT);
	}

	private static double y(double theValue, double theTop) {
		return BOTTOM - theValue / theTop * (BOTTOM - TOP);
	}
}
