package org.openimd.server.analytics;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;

/**
 * {@code $device-alert-rates} as a bar chart (SVG) for people who would rather look than read: one bar
 * per device type, its alerts per patient-year, with the patients and patient-years it rests on. It is
 * drawn from the answer itself, so a suppressed stratum is drawn as "suppressed", with nothing more.
 */
final class AlertRatesChart {

	private static final int WIDTH = 720;
	private static final int ROW = 44;
	private static final int TOP = 70;
	private static final int LABEL_WIDTH = 230;
	private static final int BAR_WIDTH = 330;

	private AlertRatesChart() {}

	static String svg(Parameters theAnswer) {
		List<ParametersParameterComponent> rows = theAnswer.getParameter().stream()
				.filter(parameter -> parameter.getName().equals("stratum") || parameter.getName().equals("total")).toList();
		double widest = rows.stream().map(row -> number(row, "alertsPerPatientYear")).flatMap(Optional::stream).mapToDouble(Double::doubleValue)
				.max().orElse(0);
		int height = TOP + rows.size() * ROW + 40;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
				+ "role=\"img\" aria-labelledby=\"title desc\" font-family=\"sans-serif\" font-size=\"14\">%n", WIDTH, height, WIDTH, height));
		svg.append("<title id=\"title\">Alerts per patient-year by implanted cardiac device type</title>\n");
		svg.append("<desc id=\"desc\">Counted up to ").append(primitive(theAnswer.getParameter("asOf")).orElse("?"))
				.append("; no figure describes fewer than ").append(primitive(theAnswer.getParameter("minimumPatientsPerFigure")).orElse("?"))
				.append(" patients, and a stratum that would is shown as suppressed.</desc>\n");
		svg.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
		svg.append("<text x=\"16\" y=\"30\" font-size=\"18\" font-weight=\"bold\" fill=\"#1a1a1a\">Alerts per patient-year of remote follow-up</text>\n");
		svg.append("<text x=\"16\" y=\"52\" fill=\"#4a4a4a\">counted up to ").append(primitive(theAnswer.getParameter("asOf")).orElse("?"))
				.append("</text>\n");
		int y = TOP;
		for (ParametersParameterComponent row : rows) {
			String label = row.getPart().stream().filter(part -> part.getName().equals("deviceType")).map(part -> (Coding) part.getValue())
					.map(coding -> coding.hasDisplay() ? coding.getDisplay().replace("MDC_IDC_ENUM_DEV_TYPE_", "") : coding.getCode())
					.findFirst().orElse("?");
			svg.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" fill=\"#1a1a1a\"%s>%s</text>%n", y + 22,
					row.getName().equals("total") ? " font-weight=\"bold\"" : "", escaped(label)));
			if (text(row, "suppressed").isPresent()) {
				svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#4a4a4a\" font-style=\"italic\">suppressed: too few patients</text>%n",
						LABEL_WIDTH, y + 22));
			} else {
				Optional<Double> rate = number(row, "alertsPerPatientYear");
				int length = rate.filter(value -> widest > 0).map(value -> (int) Math.round(value / widest * BAR_WIDTH)).orElse(0);
				svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"24\" fill=\"#1f5fa8\"/>%n", LABEL_WIDTH, y + 6, length));
				svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#1a1a1a\">%s (%s patients, %s patient-years)</text>%n",
						LABEL_WIDTH + length + 8, y + 22, rate.map(value -> String.format(Locale.ROOT, "%.2f", value)).orElse("no follow-up"),
						text(row, "patients").orElse("?"), text(row, "patientYears").orElse("?")));
			}
			y += ROW;
		}
		return svg.append("</svg>\n").toString();
	}

	private static Optional<String> text(ParametersParameterComponent theRow, String thePart) {
		return theRow.getPart().stream().filter(part -> part.getName().equals(thePart)).findFirst().map(part -> ((Type) part.getValue()).primitiveValue());
	}

	private static Optional<Double> number(ParametersParameterComponent theRow, String thePart) {
		return text(theRow, thePart).map(Double::parseDouble);
	}

	private static Optional<String> primitive(ParametersParameterComponent theParameter) {
		return Optional.ofNullable(theParameter).filter(ParametersParameterComponent::hasValue).map(parameter -> parameter.getValue().primitiveValue());
	}

	private static String escaped(String theText) {
		return theText.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}
}
