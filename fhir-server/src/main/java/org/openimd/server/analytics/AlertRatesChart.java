package org.openimd.server.analytics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.openimd.server.analytics.ChartCanvas.Weight;

/**
 * {@code $device-alert-rates} drawn: per device type two bars, its alerts and its episodes per
 * patient-year, with the patients and patient-years they rest on beneath the type; a suppressed stratum is drawn as the
 * word "suppressed", with nothing more.
 */
final class AlertRatesChart {

	private static final int WIDTH = 760;
	private static final int ROW = 56;
	private static final int TOP = 96;
	private static final int LABEL_WIDTH = 250;
	private static final int BAR_WIDTH = 300;
	private static final int ALERTS = Charts.COLOURS.get(0);
	private static final int EPISODES = Charts.COLOURS.get(1);

	private AlertRatesChart() {}

	static void draw(Parameters theAnswer, ChartCanvas theCanvas) {
		List<ParametersParameterComponent> rows = Charts.rows(theAnswer);
		double widest = rows.stream().flatMap(row -> Stream.of(Charts.number(row, "alertsPerPatientYear"),
				Charts.number(row, "episodesPerPatientYear"))).flatMap(Optional::stream).mapToDouble(Double::doubleValue).max().orElse(0);
		String asOf = Charts.value(theAnswer.getParameter("asOf"));
		theCanvas.begin(WIDTH, TOP + rows.size() * ROW + 24, "Alerts and episodes per patient-year by implanted cardiac device type",
				"Counted up to " + asOf + "; no figure describes fewer than " + Charts.value(theAnswer.getParameter("minimumPatientsPerFigure"))
						+ " patients, and a stratum that would is shown as suppressed.");
		theCanvas.text(16, 30, "Alerts and episodes per patient-year of remote follow-up", 18, Weight.BOLD, Charts.INK);
		theCanvas.text(16, 52, "counted up to " + asOf, 14, Weight.PLAIN, Charts.MUTED);
		theCanvas.box(16, 66, 14, 14, ALERTS);
		theCanvas.text(36, 78, "alerts", 14, Weight.PLAIN, Charts.INK);
		theCanvas.box(110, 66, 14, 14, EPISODES);
		theCanvas.text(130, 78, "arrhythmia episodes", 14, Weight.PLAIN, Charts.INK);
		int y = TOP;
		for (ParametersParameterComponent row : rows) {
			String label = row.getPart().stream().filter(part -> part.getName().equals("deviceType")).map(part -> (Coding) part.getValue())
					.map(coding -> coding.hasDisplay() ? coding.getDisplay().replace("MDC_IDC_ENUM_DEV_TYPE_", "") : coding.getCode())
					.findFirst().orElse("?");
			theCanvas.text(16, y + 22, label, 14, row.getName().equals("total") ? Weight.BOLD : Weight.PLAIN, Charts.INK);
			if (Charts.text(row, "suppressed").isPresent()) {
				theCanvas.text(LABEL_WIDTH, y + 22, "suppressed: too few patients", 14, Weight.ITALIC, Charts.MUTED);
			} else {
				theCanvas.text(16, y + 40, Charts.text(row, "patients").orElse("?") + " patients, " + Charts.text(row, "patientYears").orElse("?")
						+ " patient-years", 12, Weight.PLAIN, Charts.MUTED);
				bar(theCanvas, y + 4, Charts.number(row, "alertsPerPatientYear"), widest, ALERTS, " alerts");
				bar(theCanvas, y + 26, Charts.number(row, "episodesPerPatientYear"), widest, EPISODES, " episodes");
			}
			y += ROW;
		}
	}

	private static void bar(ChartCanvas theCanvas, int theY, Optional<Double> theRate, double theWidest, int theColour, String theWhat) {
		int length = theRate.filter(value -> theWidest > 0).map(value -> (int) Math.round(value / theWidest * BAR_WIDTH)).orElse(0);
		theCanvas.box(LABEL_WIDTH, theY, length, 18, theColour);
		theCanvas.text(LABEL_WIDTH + length + 8, theY + 14, theRate.map(value -> String.format(Locale.ROOT, "%.2f", value)).orElse("no follow-up")
				+ theWhat, 13, Weight.PLAIN, Charts.INK);
	}
}
