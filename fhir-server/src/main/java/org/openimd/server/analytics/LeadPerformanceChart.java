package org.openimd.server.analytics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/**
 * {@code $lead-performance} drawn: the median pacing impedance of each lead model by year since
 * implant (each year's median at its middle), with its out-of-range events per lead-year in the legend;
 * a suppressed model, or one without a year of enough patients, is named in the legend and not drawn.
 */
final class LeadPerformanceChart {

	private static final double OHMS_PER_STEP = 250;

	private LeadPerformanceChart() {}

	static void draw(Parameters theAnswer, ChartCanvas theCanvas) {
		List<LineChart.Entry> entries = new ArrayList<>();
		double highest = 0;
		for (ParametersParameterComponent row : Charts.rows(theAnswer)) {
			boolean total = row.getName().equals("total");
			String label = total ? "all lead models" : Charts.text(row, "manufacturer").orElse("?") + " " + Charts.text(row, "model").orElse("?");
			List<ParametersParameterComponent> years = row.getPart().stream().filter(part -> part.getName().equals(LeadPerformance.Measure.IMPEDANCE.part()))
					.toList();
			if (Charts.text(row, "suppressed").isPresent()) {
				entries.add(LineChart.Entry.withoutLine(label + ": suppressed, too few patients"));
			} else if (years.isEmpty()) {
				entries.add(LineChart.Entry.withoutLine(label + ": no year with enough patients"));
			} else {
				double[] xs = years.stream().mapToDouble(year -> Charts.number(year, "yearsSinceImplant").orElseThrow() + 0.5).toArray();
				double[] ys = years.stream().mapToDouble(year -> Charts.number(year, "median").orElseThrow()).toArray();
				highest = Math.max(highest, Arrays.stream(ys).max().orElse(0));
				entries.add(new LineChart.Entry(label + Charts.text(row, "outOfRangePerLeadYear").map(rate -> ", " + rate + " out of range per lead-year")
						.orElse(""), xs, ys, total));
			}
		}
		String asOf = Charts.value(theAnswer.getParameter("asOf"));
		LineChart.draw(theCanvas, new LineChart.Words("Median pacing impedance by years since implant",
				"Median of each lead's last impedance of each year since implant, counted up to " + asOf + "; a year is given only where at least "
						+ Charts.value(theAnswer.getParameter("minimumPatientsPerFigure")) + " patients' leads were measured.",
				"median pacing impedance by lead model, counted up to " + asOf, "years since lead implant"),
				Math.max(1, Math.ceil(highest / OHMS_PER_STEP)) * OHMS_PER_STEP, ohms -> String.format(Locale.ROOT, "%.0f Ohm", ohms), entries);
	}
}
