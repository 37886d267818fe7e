package org.openimd.server.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.openimd.server.analytics.ChartCanvas.Weight;

/**
 * {@code $device-longevity} drawn: for each model, and all models together (dashed), the share of
 * devices still short of RRT by years since implant, as steps between the yearly points the answer
 * gives; a suppressed model, or one without a yearly point, is named in the legend and not drawn.
 */
final class LongevityChart {

	private static final int WIDTH = 860;
	private static final int LEFT = 70;
	private static final int RIGHT = 500;
	private static final int TOP = 80;
	private static final int BOTTOM = 380;
	private static final int LEGEND = 530;
	private static final int GRID = 0xd0d0d0;

	private LongevityChart() {}

	static void draw(Parameters theAnswer, ChartCanvas theCanvas) {
		List<ParametersParameterComponent> rows = theAnswer.getParameter().stream()
				.filter(parameter -> parameter.getName().equals("stratum") || parameter.getName().equals("total")).toList();
		int years = Math.max(1, rows.stream().flatMap(row -> row.getPart().stream()).filter(part -> part.getName().equals("survival"))
				.mapToInt(point -> Charts.number(point, "yearsSinceImplant").orElse(0.0).intValue()).max().orElse(1));
		String asOf = Charts.value(theAnswer.getParameter("asOf"));
		int height = Math.max(BOTTOM + 60, TOP + rows.size() * 22 + 20);
		theCanvas.begin(WIDTH, height, "Devices short of their recommended replacement time, by years since implant",
				"Kaplan-Meier estimates by model, counted up to " + asOf + "; a point is given only where at least "
						+ Charts.value(theAnswer.getParameter("minimumPatientsPerFigure")) + " devices were still followed.");
		theCanvas.text(16, 30, "Devices short of RRT, by years since implant (Kaplan-Meier)", 18, Weight.BOLD, Charts.INK);
		theCanvas.text(16, 52, "counted up to " + asOf, 14, Weight.PLAIN, Charts.MUTED);
		for (int quarter = 0; quarter <= 4; quarter++) {
			double y = y(quarter / 4.0);
			theCanvas.line(new double[] {LEFT, RIGHT}, new double[] {y, y}, GRID, 1, false);
			theCanvas.text(LEFT - 44, y + 5, String.format(Locale.ROOT, "%d %%", quarter * 25), 12, Weight.PLAIN, Charts.MUTED);
		}
		for (int year = 0; year <= years; year++) {
			theCanvas.text(x(year, years) - 4, BOTTOM + 20, String.valueOf(year), 12, Weight.PLAIN, Charts.MUTED);
		}
		theCanvas.text(LEFT + 140, BOTTOM + 42, "years since implant", 13, Weight.PLAIN, Charts.INK);
		int legendY = TOP;
		int colour = 0;
		for (ParametersParameterComponent row : rows) {
			boolean total = row.getName().equals("total");
			String label = total ? "all models" : Charts.text(row, "manufacturer").orElse("?") + " " + Charts.text(row, "model").orElse("?");
			List<ParametersParameterComponent> points = row.getPart().stream().filter(part -> part.getName().equals("survival")).toList();
			if (Charts.text(row, "suppressed").isPresent() || points.isEmpty()) {
				theCanvas.text(LEGEND, legendY + 5, label + (points.isEmpty() && Charts.text(row, "suppressed").isEmpty()
						? ": too few followed a year" : ": suppressed, too few patients"), 13, Weight.ITALIC, Charts.MUTED);
			} else {
				int rgb = total ? Charts.INK : Charts.COLOURS.get(colour++ % Charts.COLOURS.size());
				theCanvas.line(steps(points, years, true), steps(points, years, false), rgb, total ? 2.5 : 2, total);
				theCanvas.line(new double[] {LEGEND, LEGEND + 26}, new double[] {legendY, legendY}, rgb, total ? 2.5 : 2, total);
				theCanvas.text(LEGEND + 34, legendY + 5, label + Charts.text(row, "medianYearsToReplacement").map(median -> ", median " + median + " y")
						.orElse(""), 13, total ? Weight.BOLD : Weight.PLAIN, Charts.INK);
			}
			legendY += 22;
		}
	}

	/** The step curve from 100 % at implant through the yearly points: its x coordinates, or its y coordinates. */
	private static double[] steps(List<ParametersParameterComponent> thePoints, int theYears, boolean theXs) {
		List<Double> coordinates = new ArrayList<>(List.of(theXs ? x(0, theYears) : y(1)));
		double previous = 1;
		for (ParametersParameterComponent point : thePoints) {
			int year = Charts.number(point, "yearsSinceImplant").orElseThrow().intValue();
			double survival = Charts.number(point, "survival").orElseThrow();
			coordinates.add(theXs ? x(year, theYears) : y(previous));
			coordinates.add(theXs ? x(year, theYears) : y(survival));
			previous = survival;
		}
		return coordinates.stream().mapToDouble(Double::doubleValue).toArray();
	}

	private static double x(double theYear, int theYears) {
		return LEFT + theYear / theYears * (RIGHT - LEFT);
	}

	private static double y(double theShare) {
		return BOTTOM - theShare * (BOTTOM - TOP);
	}
}
