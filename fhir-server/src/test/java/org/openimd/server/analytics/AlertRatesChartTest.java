package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.xml.parsers.DocumentBuilderFactory;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class AlertRatesChartTest {

	@Test
	void aShownStratumIsABarWithWhatItRestsOnAndASuppressedOneIsNothingButTheWord() throws Exception {
		Parameters answer = new Parameters();
		answer.addParameter().setName("asOf").setValue(new DateType("2026-12-01"));
		answer.addParameter().setName("minimumPatientsPerFigure").setValue(new IntegerType(11));
		Parameters.ParametersParameterComponent shown = answer.addParameter().setName("stratum");
		shown.addPart().setName("deviceType").setValue(new Coding("urn:iso:std:iso:11073:10101", "753666", "MDC_IDC_ENUM_DEV_TYPE_ICD"));
		shown.addPart().setName("patients").setValue(new IntegerType(40));
		shown.addPart().setName("patientYears").setValue(new DecimalType("31.5"));
		shown.addPart().setName("alerts").setValue(new IntegerType(63));
		shown.addPart().setName("alertsPerPatientYear").setValue(new DecimalType("2.00"));
		Parameters.ParametersParameterComponent hidden = answer.addParameter().setName("stratum");
		hidden.addPart().setName("deviceType").setValue(new Coding("urn:iso:std:iso:11073:10101", "753667", "MDC_IDC_ENUM_DEV_TYPE_CRT_D"));
		hidden.addPart().setName("suppressed").setValue(new BooleanType(true));
		Parameters.ParametersParameterComponent total = answer.addParameter().setName("total");
		total.addPart().setName("deviceType").setValue(new Coding().setDisplay("all device types"));
		total.addPart().setName("suppressed").setValue(new BooleanType(true));

		String svg = AlertRatesChart.svg(answer);

		Document parsed = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
		assertThat(parsed.getDocumentElement().getTagName()).isEqualTo("svg");
		assertThat(parsed.getElementsByTagName("title").item(0).getTextContent()).contains("Alerts per patient-year");
		assertThat(svg).contains(">ICD<", "2.00 (40 patients, 31.5 patient-years)", ">CRT_D<", "suppressed: too few patients", "2026-12-01");
		assertThat(parsed.getElementsByTagName("rect").getLength()).as("the background and one bar").isEqualTo(2);
	}
}
