package org.openimd.server.narrative;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/** OpenIMD's narrative templates rendered by HAPI's generator, as NarrativeConfig sets it up. */
class NarrativeTemplatesTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private final ResourceTypeNarratives myNarratives = NarrativeConfig.generator(IdcoTermTable.load());

	@Test
	void anInterrogationReportSaysWhatKindOfSessionItWasAndWhen() {
		DiagnosticReport report = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setCode(new CodeableConcept(new Coding("http://loinc.org", "10191-5", "Cardiac electrophysiology procedure note"))
						.setText("MDC_IDC_ENUM_SESS_TYPE_RemoteScheduled"))
				.setEffective(new DateTimeType("2026-02-05T09:00:00+01:00"));
		report.addCategory(new CodeableConcept(new Coding(Mdc.SYSTEM, "754053", "MDC_IDC_ENUM_SESS_TYPE_RemoteScheduled")));
		report.addResult(new Reference("Observation/1"));
		report.getMeta().addProfile("https://openimd.org/fhir/StructureDefinition/interrogation-report");
		report.getMeta().addTag("http://terminology.hl7.org/CodeSystem/v3-ActReason", "HTEST", "test health data");

		assertThat(myNarratives.populateResourceNarrative(FHIR, report)).isTrue();

		assertThat(report.getText().getDivAsString()).contains("Cardiac electrophysiology procedure note", "Remote, scheduled",
				"2026-02-05T09:00:00+01:00", "Final").doesNotContain("MDC_IDC");
	}

	@Test
	void aPatientSaysNameIdentifiersBirthDateGenderAndAddress() {
		Patient patient = new Patient().setGender(Enumerations.AdministrativeGender.FEMALE).setBirthDateElement(new DateType("1950-03-14"));
		patient.addName().setFamily("Example").addGiven("Maria");
		patient.addIdentifier().setSystem("urn:oid:2.16.840.1.113883.3.7418.7.1").setValue("1234123412341");
		patient.addAddress().addLine("1 Example Street").setPostalCode("12345").setCity("Example City").setCountry("DE");

		assertThat(myNarratives.populateResourceNarrative(FHIR, patient)).isTrue();

		assertThat(patient.getText().getDivAsString()).contains("Maria Example", "1234123412341", "1950-03-14", "Female",
				"1 Example Street, 12345 Example City, DE");
	}

	@Test
	void aPumpSaysItsModelAndReservoir() {
		Device pump = new Device().setModelNumber("8637-20").setSerialNumber("NGV000001H");
		pump.addDeviceName().setName("SynchroMed II").setType(Device.DeviceNameType.MODELNAME);
		pump.addProperty().setType(new CodeableConcept(new Coding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME, "Reservoir volume")))
				.addValueQuantity(new Quantity().setValue(20).setUnit("mL"));

		assertThat(myNarratives.populateResourceNarrative(FHIR, pump)).isTrue();

		assertThat(pump.getText().getDivAsString()).contains("SynchroMed II", "8637-20", "NGV000001H", "Reservoir volume", "20 mL");
	}

	@Test
	void aPrescriptionWithAContainedMedicationSaysEachIngredientsStrength() {
		Medication product = new Medication();
		product.setId("product");
		product.addIngredient().setItem(new CodeableConcept(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm", "7052", null))
						.setText("preservative-free morphine"))
				.setStrength(new Ratio().setNumerator(new Quantity().setValue(10).setUnit("mg")).setDenominator(new Quantity().setValue(1).setUnit("mL")));
		MedicationRequest order = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setMedication(new Reference("#product"));
		order.addContained(product);
		order.addDosageInstruction().addDoseAndRate().setRate(new Quantity().setValue(new BigDecimal("0.5")).setUnit("mg/d"));

		assertThat(myNarratives.populateResourceNarrative(FHIR, order)).isTrue();

		assertThat(order.getText().getDivAsString()).contains("preservative-free morphine 10 mg / 1 mL", "0.5 mg/d", "Active, Order");
	}
}
