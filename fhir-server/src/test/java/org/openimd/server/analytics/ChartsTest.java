package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {

	@Test
	void alertRatesAreBarsWithWhatTheyRestOnAndASuppressedStratumIsNothingButTheWord() throws Exception {
		Parameters answer = answer();
		ParametersParameterComponent shown = answer.addParameter().setName("stratum");
		shown.addPart().setName("deviceType").setValue(new Coding("urn:iso:std:iso:11073:10101", "753666", "MDC_IDC_ENUM_DEV_TYPE_ICD"));
		shown.addPart().setName("patients").setValue(new IntegerType(40));
		shown.addPart().setName("patientYears").setValue(new DecimalType("31.5"));
		shown.addPart().setName("alertsPerPatientYear").setValue(new DecimalType("2.00"));
		shown.addPart().setName("episodesPerPatientYear").setValue(new DecimalType("0.50"));
		suppressed(answer, "stratum").addPart().setName("deviceType")
				.setValue(new Coding("urn:iso:std:iso:11073:10101", "753667", "MDC_IDC_ENUM_DEV_TYPE_CRT_D"));
		suppressed(answer, "total").addPart().setName("deviceType").setValue(new Coding().setDisplay("all device types"));

		String svg = svg(Charts.SVG.drawn(canvas -> AlertRatesChart.draw(answer, canvas)));

		Document parsed = parsed(svg);
		assertThat(parsed.getElementsByTagName("title").item(0).getTextContent()).contains("Alerts and episodes per patient-year");
		assertThat(svg).contains(">ICD<", "2.00 alerts", "40 patients, 31.5 patient-years", "0.50 episodes", ">CRT_D<", "suppressed: too few patients",
				"2026-12-01");
		assertThat(parsed.getElementsByTagName("rect").getLength()).as("the background, two legend keys and two bars").isEqualTo(5);
		assertThat(png(Charts.PNG.drawn(canvas -> AlertRatesChart.draw(answer, canvas))).getWidth()).isEqualTo(2 * 760);
	}

	@Test
	void longevityIsAStepCurvePerShownModelAndTheOthersAreNamedOnly() throws Exception {
		Parameters answer = answer();
		ParametersParameterComponent shown = answer.addParameter().setName("stratum");
		shown.addPart().setName("manufacturer").setValue(new StringType("Acme"));
		shown.addPart().setName("model").setValue(new StringType("Pacer <1>"));
		shown.addPart().setName("medianYearsToReplacement").setValue(new DecimalType("4.5"));
		for (int year = 1; year <= 3; year++) {
			ParametersParameterComponent point = shown.addPart().setName("survival");
			point.addPart().setName("yearsSinceImplant").setValue(new IntegerType(year));
			point.addPart().setName("atRisk").setValue(new IntegerType(20));
			point.addPart().setName("survival").setValue(new DecimalType(year < 3 ? "1.000" : "0.500"));
		}
		ParametersParameterComponent hidden = suppressed(answer, "stratum");
		hidden.addPart().setName("manufacturer").setValue(new StringType("Tiny"));
		hidden.addPart().setName("model").setValue(new StringType("T1"));
		answer.addParameter().setName("total").addPart().setName("patients").setValue(new IntegerType(25));

		String svg = svg(Charts.SVG.drawn(canvas -> LongevityChart.draw(answer, canvas)));

		Document parsed = parsed(svg);
		assertThat(parsed.getElementsByTagName("title").item(0).getTextContent()).contains("short of RRT");
		assertThat(parsed.getElementsByTagName("desc").item(0).getTextContent()).contains("recommended replacement time");
		assertThat(svg).contains("Acme Pacer &lt;1&gt;, median 4.5 y", "Tiny T1: suppressed, too few patients", "all models: too few followed a year");
		// 5 grid lines, the model's curve and its legend key; the curve: implant, then a step at each of 3 years
		assertThat(parsed.getElementsByTagName("polyline").getLength()).isEqualTo(7);
		String curve = parsed.getElementsByTagName("polyline").item(5).getAttributes().getNamedItem("points").getTextContent();
		assertThat(curve.split(" ")).hasSize(7);
		assertThat(png(Charts.PNG.drawn(canvas -> LongevityChart.draw(answer, canvas))).getWidth()).isEqualTo(2 * 860);
	}

	@Test
	void leadImpedanceIsALineOfYearlyMediansPerShownModel() throws Exception {
		Parameters answer = answer();
		ParametersParameterComponent shown = answer.addParameter().setName("stratum");
		shown.addPart().setName("manufacturer").setValue(new StringType("Acme"));
		shown.addPart().setName("model").setValue(new StringType("L1"));
		shown.addPart().setName("outOfRangePerLeadYear").setValue(new DecimalType("0.25"));
		for (int year = 0; year <= 2; year++) {
			ParametersParameterComponent distribution = shown.addPart().setName("impedance");
			distribution.addPart().setName("yearsSinceImplant").setValue(new IntegerType(year));
			distribution.addPart().setName("median").setValue(new DecimalType(600 + 100 * year));
		}
		suppressed(answer, "total");

		String svg = svg(Charts.SVG.drawn(canvas -> LeadPerformanceChart.draw(answer, canvas)));

		Document parsed = parsed(svg);
		assertThat(svg).contains("Acme L1, 0.25 out of range per lead-year", "all lead models: suppressed, too few patients", "1000 Ohm");
		// 5 grid lines, the model's line through its 3 yearly medians, and its legend key
		assertThat(parsed.getElementsByTagName("polyline").item(5).getAttributes().getNamedItem("points").getTextContent().split(" ")).hasSize(3);
		assertThat(png(Charts.PNG.drawn(canvas -> LeadPerformanceChart.draw(answer, canvas))).getWidth()).isEqualTo(2 * 860);
	}

	@Test
	void aLeadsChamberIsTheOneItsLocationNames() {
		assertThat(LeadPerformance.Chamber.of(new CodeableConcept().setText("RV"))).contains(LeadPerformance.Chamber.RV);
		assertThat(LeadPerformance.Chamber.of(new CodeableConcept(new Coding("urn:iso:std:iso:11073:10101", "0", "MDC_IDC_ENUM_LEAD_LOCATION_LV"))))
				.contains(LeadPerformance.Chamber.LV);
		assertThat(LeadPerformance.Chamber.of(new CodeableConcept().setText("RAV"))).as("a whole word only").isEmpty();
		assertThat(LeadPerformance.Chamber.of(new CodeableConcept().setText("RA/RV"))).as("not one chamber").isEmpty();
	}

	@Test
	void aChartIsSvgOrPngOrNone() {
		assertThat(Charts.asked(null)).isEmpty();
		assertThat(Charts.asked(new StringType("png"))).contains(Charts.PNG);
		assertThatThrownBy(() -> Charts.asked(new StringType("pie"))).isInstanceOf(InvalidRequestException.class).hasMessageContaining("svg or png");
	}

	private static Parameters answer() {
		Parameters answer = new Parameters();
		answer.addParameter().setName("asOf").setValue(new DateType("2026-12-01"));
		answer.addParameter().setName("minimumPatientsPerFigure").setValue(new IntegerType(11));
		return answer;
	}

	private static ParametersParameterComponent suppressed(Parameters theAnswer, String theName) {
		ParametersParameterComponent row = theAnswer.addParameter().setName(theName);
		row.addPart().setName("suppressed").setValue(new BooleanType(true));
		return row;
	}

	private static String svg(Binary theChart) {
		assertThat(theChart.getContentType()).isEqualTo("image/svg+xml");
		return new String(theChart.getData(), StandardCharsets.UTF_8);
	}

	private static Document parsed(String theSvg) throws Exception {
		Document parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(theSvg.getBytes(StandardCharsets.UTF_8)));
		assertThat(parsed.getDocumentElement().getTagName()).isEqualTo("svg");
		return parsed;
	}

	private static BufferedImage png(Binary theChart) throws Exception {
		assertThat(theChart.getContentType()).isEqualTo("image/png");
		return ImageIO.read(new ByteArrayInputStream(theChart.getData()));
	}
}
