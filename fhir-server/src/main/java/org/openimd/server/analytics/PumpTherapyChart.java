package org.openimd.server.analytics;

import java.util.List;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.openimd.server.analytics.ChartCanvas.Weight;

/**
 * {@code $pump-therapy}'s refill intervals drawn: per drug a bar from the lower to the upper quartile of
 * the days between refills, with a mark at the median; a suppressed drug is drawn as the word and
 * nothing more. (Doses are in each drug's own unit and have no common scale to draw them on.)
 */
final class PumpTherapyChart {

	private static final int WIDTH = 760;
	private static final int ROW = 40;
	private static final int TOP = 90;
	private static final int LEFT = 180;
	private static final int SCALE_WIDTH = 360;
	private static final int DAYS_PER_STEP = 30;

	private PumpTherapyChart() {}

	static void draw(Parameters theAnswer, ChartCanvas theCanvas) {
		List<ParametersParameterComponent> rows = theAnswer.getParameter().stream().filter(parameter -> parameter.getName().equals("refillInterval"))
				.toList();
		double days = Math.max(1, Math.ceil(rows.stream().flatMap(row -> Charts.number(row, "upperQuartile").stream()).mapToDouble(Double::doubleValue)
				.max().orElse(DAYS_PER_STEP) / DAYS_PER_STEP)) * DAYS_PER_STEP;
		String asOf = Charts.value(theAnswer.getParameter("asOf"));
		int bottom = TOP + Math.max(1, rows.size()) * ROW;
		theCanvas.begin(WIDTH, bottom + 50, "Days between intrathecal pump refills, by drug",
				"Median and quartiles of the days between a pump's refills, counted up to " + asOf + "; a drug with fewer than "
						+ Charts.value(theAnswer.getParameter("minimumPatientsPerFigure")) + " patients is shown as suppressed.");
		theCanvas.text(16, 30, "Days between pump refills, by drug", 18, Weight.BOLD, Charts.INK);
		theCanvas.text(16, 52, "bar: lower to upper quartile, mark: median; counted up to " + asOf, 14, Weight.PLAIN, Charts.MUTED);
		for (int step = 0; step <= days / DAYS_PER_STEP; step++) {
			double x = LEFT + step * DAYS_PER_STEP / days * SCALE_WIDTH;
			theCanvas.line(new double[] {x, x}, new double[] {TOP - 10, bottom}, 0xd0d0d0, 1, false);
			theCanvas.text(x - 8, bottom + 20, String.valueOf(step * DAYS_PER_STEP), 12, Weight.PLAIN, Charts.MUTED);
		}
		theCanvas.text(LEFT + SCALE_WIDTH / 2.0 - 20, bottom + 40, "days", 13, Weight.PLAIN, Charts.INK);
		int y = TOP;
		for (ParametersParameterComponent row : rows) {
			theCanvas.text(16, y + 16, Charts.text(row, "drug").orElse("?"), 14, Weight.PLAIN, Charts.INK);
			if (Charts.text(row, "suppressed").isPresent()) {
				theCanvas.text(LEFT, y + 16, "suppressed: too few patients", 14, Weight.ITALIC, Charts.MUTED);
			} else {
				double low = LEFT + Charts.number(row, "lowerQuartile").orElseThrow() / days * SCALE_WIDTH;
				double high = LEFT + Charts.number(row, "upperQuartile").orElseThrow() / days * SCALE_WIDTH;
				double median = LEFT + Charts.number(row, "median").orElseThrow() / days * SCALE_WIDTH;
				theCanvas.box(low, y + 2, Math.max(2, high - low), 18, Charts.COLOURS.get(0));
				theCanvas.line(new double[] {median, median}, new double[] {y - 2, y + 24}, Charts.INK, 3, false);
				theCanvas.text(LEFT + SCALE_WIDTH + 12, y + 16, "median " + Charts.text(row, "median").orElse("?") + " d, " + Charts.text(row, "refills")
						.orElse("?") + " refills", 13, Weight.PLAIN, Charts.INK);
			}
			y += ROW;
		}
	}
}
