package org.openimd.server.analytics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * {@code $device-longevity} drawn: for each model, and all models together (dashed), the share of
 * devices still short of RRT by years since implant, as steps between the yearly points the answer
 * gives; a suppressed model, or one without a yearly point, is named in the legend and not drawn.
 */
final class LongevityChart {

	private LongevityChart() {}

	static void draw(Parameters theAnswer, ChartCanvas theCanvas) {
		List<LineChart.Entry> entries = new ArrayList<>();
		for (ParametersParameterComponent row : Charts.rows(theAnswer)) {
			boolean total = row.getName().equals("total");
			String label = total ? "all models" : Charts.text(row, "manufacturer").orElse("?") + " " + Charts.text(row, "model").orElse("?");
			List<ParametersParameterComponent> points = row.getPart().stream().filter(part -> part.getName().equals("survival")).toList();
			if (Charts.text(row, "suppressed").isPresent()) {
				entries.add(LineChart.Entry.withoutLine(label + ": suppressed, too few patients"));
			} else if (points.isEmpty()) {
				entries.add(LineChart.Entry.withoutLine(label + ": too few followed a year"));
			} else {
				entries.add(steps(label + Charts.text(row, "medianYearsToReplacement").map(median -> ", median " + median + " y").orElse(""), points, total));
			}
		}
		String asOf = Charts.value(theAnswer.getParameter("asOf"));
		LineChart.draw(theCanvas, new LineChart.Words("Devices short of RRT, by years since implant",
				"Kaplan-Meier estimates of devices still short of their recommended replacement time (RRT) by model, counted up to " + asOf + "; a point is given only where at least "
						+ Charts.value(theAnswer.getParameter("minimumPatientsPerFigure")) + " devices were still followed.",
				"Kaplan-Meier estimate by model, counted up to " + asOf, "years since implant"), 1, share -> String.format(Locale.ROOT, "%.0f %%", share * 100),
				entries);
	}

	/** The step curve from 100 % at implant through the yearly points. */
	private static LineChart.Entry steps(String theLabel, List<ParametersParameterComponent> thePoints, boolean theTotal) {
		double[] xs = new double[1 + 2 * thePoints.size()];
		double[] ys = new double[xs.length];
		ys[0] = 1;
		double previous = 1;
		for (int index = 0; index < thePoints.size(); index++) {
			double year = Charts.number(thePoints.get(index), "yearsSinceImplant").orElseThrow();
			double survival = Charts.number(thePoints.get(index), "survival").orElseThrow();
			xs[1 + 2 * index] = year;
			ys[1 + 2 * index] = previous;
			xs[2 + 2 * index] = year;
			ys[2 + 2 * index] = survival;
			previous = survival;
		}
		return new LineChart.Entry(theLabel, xs, ys, theTotal);
	}
}
