package org.openimd.server.narrative;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.BaseServerIT;
import org.openimd.server.ingest.IngestSvc;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.springframework.beans.factory.annotation.Autowired;

/** Stored resources read by a person: a narrative in words and units, and a display in every coding the server can name. */
class NarrativeIT extends BaseServerIT {

	@Autowired
	IngestSvc ingest;

	@Autowired
	IdcoTermTable terms;

	@Test
	void anInterrogationIsStoredWithANarrativeThatLabelsEveryDataPointInWordsWithItsValueAndUnit() {
		String reportId = ingest.receiveGenerated(new IdcoMessageGenerator(terms, "NARR" + UUID.randomUUID().toString().substring(0, 4))
				.interrogation(1, 0).getBytes(StandardCharsets.ISO_8859_1), "narrative test").orElseThrow();

		DiagnosticReport report = client.read().resource(DiagnosticReport.class).withId(new IdType(reportId)).execute();
		assertThat(report.getText().getStatus()).isEqualTo(Narrative.NarrativeStatus.GENERATED);
		assertThat(report.getText().getDivAsString()).contains("Cardiac electrophysiology procedure note").contains("Remote, scheduled")
				.doesNotContain("MDC_IDC_");

		Observation measurements = client.read().resource(Observation.class).withUrl(report.getResultFirstRep().getReference()).execute();
		String narrative = measurements.getText().getDivAsString();
		assertThat(measurements.getComponent()).hasSizeGreaterThan(10);
		for (Observation.ObservationComponentComponent component : measurements.getComponent()) {
			String label = terms.byCode(component.getCode().getCodingFirstRep().getCode()).orElseThrow().label();
			assertThat(narrative).as("the narrative labels %s", component.getCode().getCodingFirstRep().getDisplay()).contains(escaped(label));
			if (component.getValue() instanceof Quantity quantity) {
				assertThat(narrative).contains(quantity.getValue().toPlainString() + " " + quantity.getUnit());
			}
		}
		assertThat(narrative).doesNotContain("MDC_IDC_");

		Device device = client.read().resource(Device.class).withUrl(((Reference) report.getExtension().get(0).getValue()).getReference()).execute();
		assertThat(device.getText().getDivAsString()).contains(device.getSerialNumber()).contains(device.getModelNumber());
	}

	@Test
	void everyCodingTheServerCanNameIsStoredWithItsDisplay() {
		Patient patient = new Patient();
		String patientId = client.create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
		Observation note = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(patientId));
		note.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("procedure");
		note.getCode().addCoding().setSystem(Mdc.SYSTEM).setCode("721344");
		note.setValue(new Quantity().setValue(new BigDecimal("2.79")).setUnit("V").setSystem("http://unitsofmeasure.org").setCode("V"));

		Observation stored = client.read().resource(Observation.class).withId(client.create().resource(note).execute().getId()).execute();

		assertThat(stored.getCategoryFirstRep().getCodingFirstRep().getDisplay()).isEqualTo("Procedure");
		assertThat(stored.getCode().getCodingFirstRep().getDisplay()).isEqualTo("MDC_IDC_MSMT_BATTERY_VOLTAGE");
		assertThat(stored.getText().getDivAsString()).contains("Battery measurement: voltage").contains("2.79 V");
	}

	@Test
	void aPrescriptionsNarrativeSaysTheDrugItsStrengthAndTheRate() {
		String patientId = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless().getValue();
		MedicationRequest order = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.DRAFT)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setSubject(new Reference(patientId))
				.setMedication(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "7052", "morphine"))
						.setText("preservative-free morphine"));
		order.addDosageInstruction().setText("intrathecal, continuous").addDoseAndRate()
				.setRate(new Quantity().setValue(new BigDecimal("0.5")).setUnit("mg/d").setSystem("http://unitsofmeasure.org").setCode("mg/d"));

		MedicationRequest stored = client.read().resource(MedicationRequest.class).withId(client.create().resource(order).execute().getId()).execute();

		assertThat(stored.getText().getDivAsString()).contains("preservative-free morphine").contains("intrathecal, continuous: 0.5 mg/d")
				.contains("Draft, Order");
	}

	@Test
	void aNarrativeAPersonWroteIsKeptAndAStaleGeneratedOneIsMadeAgain() {
		String patientId = client.create().resource(new Patient()).execute().getId().toUnqualifiedVersionless().getValue();
		Observation written = observation(patientId, new Quantity().setValue(new BigDecimal("2.9")).setUnit("V").setSystem("http://unitsofmeasure.org").setCode("V"));
		written.getText().setStatus(Narrative.NarrativeStatus.ADDITIONAL).setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Checked by Dr Example</div>");
		Observation stale = observation(patientId, new Quantity().setValue(new BigDecimal("2.6")).setUnit("V").setSystem("http://unitsofmeasure.org").setCode("V"));
		stale.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">2.9 V</div>");

		assertThat(storedNarrative(written)).contains("Checked by Dr Example");
		assertThat(storedNarrative(stale)).contains("2.6 V").doesNotContain("2.9 V");
	}

	private Observation observation(String thePatient, Type theValue) {
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(thePatient));
		observation.getCode().addCoding().setSystem(Mdc.SYSTEM).setCode("721344");
		return observation.setValue(theValue);
	}

	private String storedNarrative(Observation theObservation) {
		return client.read().resource(Observation.class).withId(client.create().resource(theObservation).execute().getId()).execute()
				.getText().getDivAsString();
	}

	private static String escaped(String theText) {
		return theText.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}
}
