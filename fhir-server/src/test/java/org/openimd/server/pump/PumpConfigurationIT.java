package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.DeviceRequest;
import org.hl7.fhir.r4.model.DeviceRequest.DeviceRequestParameterComponent;
import org.hl7.fhir.r4.model.DeviceRequest.DeviceRequestStatus;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;

/**
 * A pump configuration order (DeviceRequest) built from a stored prescription, the pump's last reading
 * and the pump model's data; and the same order checked again before it may become active.
 */
class PumpConfigurationIT extends BaseServerIT {

	String patient;
	String pump;
	String prescription;

	@BeforeEach
	void aPatientWithASynchroMedAndAMorphinePrescriptionWithBoluses() {
		patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		pump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + patient))).execute().getId().getIdPart();
		prescription = prescribe(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg"));
	}

	/** The pharmacy's dispense of morphine at {@code theStrength} mg/mL, {@code theMillilitres} mL, lot L-2211, beyond use 2027-03-01. */
	private String dispense(String thePrescription, String theStrength, String theMillilitres) {
		MedicationDispense dispense = PumpInput.dispense(patient, thePrescription, PumpInput.of("morphine", theStrength, "mg/mL"), theMillilitres)
				.setWhenHandedOverElement(new DateTimeType(LocalDate.now().minusDays(1) + "T08:00:00Z"));
		((Medication) dispense.getContained().get(0)).getBatch().setLotNumber("L-2211").setExpirationDateElement(new DateTimeType("2027-03-01"));
		return client.create().resource(dispense).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private String prescribe(PumpInput theInput) {
		return client.create().resource(theInput.order(patient, pump)).execute().getId().toUnqualifiedVersionless().getValue();
	}

	private DeviceRequest configurationOf(String thePrescription, IGenericClient theCaller) {
		return theCaller.operation().onInstance(thePrescription).named("$pump-configuration").withNoParameters(org.hl7.fhir.r4.model.Parameters.class)
				.returnResourceType(DeviceRequest.class).execute();
	}

	private String postReading(String theAlarmVolume, LocalDate theEri) {
		Observation reading = PumpTelemetryTest.with(PumpTelemetryTest.reading("18", "0.14"), "low-reservoir-alarm-volume",
				PumpInput.ucum(theAlarmVolume, "mL"));
		if (theEri != null) {
			PumpTelemetryTest.with(reading, "eri-date", new DateTimeType(theEri.toString()));
		}
		reading.setStatus(Observation.ObservationStatus.FINAL).setEffective(new DateTimeType(LocalDate.now().minusDays(1) + "T09:30:00Z"));
		reading.setSubject(new Reference("Patient/" + patient)).setDevice(new Reference("Device/" + pump));
		return client.create().resource(reading).execute().getId().toUnqualifiedVersionless().getValue();
	}

	/** Each parameter as "code [drug]" → "value unit". */
	private static Map<String, String> settings(DeviceRequest theOrder) {
		Map<String, String> settings = new LinkedHashMap<>();
		for (DeviceRequestParameterComponent parameter : theOrder.getParameter()) {
			String name = parameter.getCode().getCodingFirstRep().getCode() + (parameter.getCode().hasText() ? " " + parameter.getCode().getText() : "");
			String value = parameter.getValue() instanceof Quantity quantity
					? quantity.getValue().toPlainString() + " " + quantity.getCode()
					: ((CodeableConcept) parameter.getValue()).getCodingFirstRep().getCode();
			settings.put(name, value);
		}
		return settings;
	}

	private static Quantity quantity(DeviceRequest theOrder, String theCode) {
		return (Quantity) theOrder.getParameter().stream().filter(parameter -> parameter.getCode().getCodingFirstRep().getCode().equals(theCode))
				.findFirst().orElseThrow().getValue();
	}

	private OperationOutcome refused(Runnable theCall, int theStatus) {
		BaseServerResponseException refused = catchThrowableOfType(theCall::run, BaseServerResponseException.class);
		assertThat(refused).as("refused").isNotNull();
		assertThat(refused.getStatusCode()).isEqualTo(theStatus);
		return (OperationOutcome) refused.getOperationOutcome();
	}

	private static List<String> rules(OperationOutcome theOutcome) {
		return theOutcome.getIssue().stream().map(issue -> issue.getDetails().getCodingFirstRep().getCode()).toList();
	}

	private List<DeviceRequest> storedFor(String thePatient) {
		return client.search().forResource(DeviceRequest.class).where(DeviceRequest.PATIENT.hasId("Patient/" + thePatient)).returnBundle(Bundle.class)
				.execute().getEntry().stream().map(entry -> (DeviceRequest) entry.getResource()).toList();
	}

	@Test
	void theOrderSaysWhatThePrescriptionTheLastReadingAndThePumpDataGive() {
		// Before any reading: SynchroMed II's default alarm at 2.0 mL; (20 - 2) / (0.1 + 0.04) = 128 days of volume, morphine keeps 90 (S19).
		DeviceRequest beforeReading = configurationOf(prescription, client);
		assertThat(settings(beforeReading)).containsExactly(
				Map.entry("concentration Morphine", "10 mg/mL"),
				Map.entry("infusion-mode", "simple-continuous"),
				Map.entry("basal-daily-dose", "1 mg/d"),
				Map.entry("basal-daily-volume", "0.1 mL/d"),
				Map.entry("bolus-dose", "0.1 mg"),
				Map.entry("bolus-daily-dose-max", "0.4 mg/d"),
				Map.entry("bolus-daily-volume-max", "0.04 mL/d"),
				Map.entry("reservoir-volume", "20 mL"),
				Map.entry("low-reservoir-alarm-volume", "2 mL"),
				Map.entry("refill-interval", "90 d"));
		assertThat(beforeReading.getStatus()).isEqualTo(DeviceRequestStatus.DRAFT);
		assertThat(beforeReading.getBasedOnFirstRep().getReference()).isEqualTo(prescription);
		assertThat(beforeReading.getCodeReference().getReference()).isEqualTo("Device/" + pump);
		assertThat(beforeReading.getSubject().getReference()).isEqualTo("Patient/" + patient);
		assertThat(storedFor(patient)).as("the operation stores nothing").isEmpty();

		// The pump reports an alarm programmed at 3 mL: the order carries it, and the supply it rests on.
		String reading = postReading("3", null);
		DeviceRequest afterReading = configurationOf(prescription, client);
		assertThat(quantity(afterReading, "low-reservoir-alarm-volume").getValue()).isEqualByComparingTo(new BigDecimal("3"));
		assertThat(afterReading.getSupportingInfoFirstRep().getReference()).isEqualTo(reading);

		assertThat(afterReading.getNote()).extracting(note -> note.getText()).anySatisfy(note -> assertThat(note).startsWith("CONFIG-04"));

		// The pharmacy dispenses 18 mL: the order fills the pump with what was dispensed, and says lot and beyond-use date.
		String dispensed = dispense(prescription, "10", "18");
		DeviceRequest filled = configurationOf(prescription, client);
		assertThat(quantity(filled, "reservoir-volume").getValue()).isEqualByComparingTo(new BigDecimal("18"));
		assertThat(quantity(filled, "concentration").getValue()).isEqualByComparingTo(new BigDecimal("10"));
		assertThat(filled.getSupportingInfo()).extracting(Reference::getReference).containsExactly(reading, dispensed);
		assertThat(filled.getNote()).extracting(note -> note.getText()).containsExactly("Filled from " + dispensed + ", handed over "
				+ LocalDate.now().minusDays(1) + "T08:00:00Z: 18 mL, lot L-2211, beyond-use date 2027-03-01");

		filled.setStatus(DeviceRequestStatus.ACTIVE);
		assertThat(client.create().resource(filled).execute().getCreated()).isTrue();
		assertThat(storedFor(patient)).singleElement().satisfies(stored -> assertThat(stored.getStatus()).isEqualTo(DeviceRequestStatus.ACTIVE));
	}

	@Test
	void CONFIG_04_noOrderBecomesActiveUntilADispenseSaysWhatTheReservoirHolds() {
		DeviceRequest draft = configurationOf(prescription, client);
		assertThat(quantity(draft, "reservoir-volume").getValue()).as("the full reservoir, for want of a dispense").isEqualByComparingTo("20");
		DeviceRequest activated = draft.copy().setStatus(DeviceRequestStatus.ACTIVE);
		assertThat(rules(refused(() -> client.create().resource(activated).execute(), 422))).containsExactly("CONFIG-04");

		// Once 18 mL are dispensed, the draft made before says otherwise than what is in the pump.
		dispense(prescription, "10", "18");
		OperationOutcome outcome = refused(() -> client.create().resource(activated).execute(), 422);
		assertThat(rules(outcome)).containsExactly("CONFIG-02");
		assertThat(outcome.getIssueFirstRep().getDetails().getText()).contains("reservoir-volume 20 mL, expected 18 mL");
		assertThat(storedFor(patient)).isEmpty();

		assertThat(client.create().resource(configurationOf(prescription, client).setStatus(DeviceRequestStatus.ACTIVE)).execute().getCreated())
				.isTrue();
	}

	@Test
	void CONFIG_03_aDispenseOfAnotherConcentrationThanNowPrescribedIsFlaggedAndThePumpIsSetForWhatIsInIt() {
		String dispensed = dispense(prescription, "10", "20");
		// The prescriber changes to 20 mg/mL; the pump still holds the 10 mg/mL dispensed.
		MedicationRequest old = client.read().resource(MedicationRequest.class).withId(prescription).execute();
		old.setStatus(MedicationRequest.MedicationRequestStatus.STOPPED);
		client.update().resource(old).execute();
		MedicationRequest stronger = PumpInput.of("morphine", "20", "mg/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg").order(patient, pump);
		stronger.setPriorPrescription(new Reference(prescription));
		String changed = client.create().resource(stronger).execute().getId().toUnqualifiedVersionless().getValue();

		DeviceRequest order = configurationOf(changed, client);

		assertThat(settings(order)).contains(Map.entry("concentration Morphine", "10 mg/mL"), Map.entry("basal-daily-dose", "1 mg/d"),
				Map.entry("basal-daily-volume", "0.1 mL/d"));
		assertThat(order.getNote()).extracting(note -> note.getText()).anySatisfy(note -> assertThat(note).startsWith("CONFIG-03 (warn)")
				.contains(dispensed).contains("Morphine dispensed at 10 mg/mL, prescribed at 20 mg/mL"));
		String stored = client.create().resource(order.setStatus(DeviceRequestStatus.ACTIVE)).execute().getId().toUnqualifiedVersionless().getValue();
		List<DetectedIssue> issues = client.search().forResource(DetectedIssue.class).where(DetectedIssue.IMPLICATED.hasId(stored))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource()).toList();
		assertThat(issues).extracting(issue -> issue.getCode().getCodingFirstRep().getCode()).contains("CONFIG-03");
	}

	@Test
	void CONFIG_02_anOrderThatSaysOtherwiseThanItsPrescriptionCannotBecomeActive() {
		dispense(prescription, "10", "20");
		DeviceRequest edited = configurationOf(prescription, client);
		quantity(edited, "basal-daily-volume").setValue(new BigDecimal("0.2"));

		String draft = client.create().resource(edited).execute().getId().toUnqualifiedVersionless().getValue();
		edited.setId(draft);
		edited.setStatus(DeviceRequestStatus.ACTIVE);
		OperationOutcome outcome = refused(() -> client.update().resource(edited).execute(), 422);
		assertThat(rules(outcome)).containsExactly("CONFIG-02");
		assertThat(outcome.getIssueFirstRep().getDetails().getText()).contains("basal-daily-volume 0.2 mL/d, expected 0.1 mL/d");
		assertThat(storedFor(patient)).singleElement().satisfies(stored -> assertThat(stored.getStatus()).isEqualTo(DeviceRequestStatus.DRAFT));

		DeviceRequest withoutAlarm = configurationOf(prescription, client).setStatus(DeviceRequestStatus.ACTIVE);
		withoutAlarm.getParameter().removeIf(parameter -> parameter.getCode().getCodingFirstRep().getCode().equals("low-reservoir-alarm-volume"));
		assertThat(refused(() -> client.create().resource(withoutAlarm).execute(), 422).getIssueFirstRep().getDetails().getText())
				.contains("low-reservoir-alarm-volume missing, expected 2 mL");
	}

	@Test
	void CONFIG_01_anActiveOrderRestsOnAnActivePrescriptionForThatPatientsPump() {
		DeviceRequest order = configurationOf(prescription, client).setStatus(DeviceRequestStatus.ACTIVE);

		DeviceRequest unfounded = order.copy();
		unfounded.getBasedOn().clear();
		assertThat(rules(refused(() -> client.create().resource(unfounded).execute(), 422))).containsExactly("CONFIG-01");

		String otherPump = client.create().resource(PumpInput.pump("8637-40", "40").setPatient(new Reference("Patient/" + patient))).execute()
				.getId().toUnqualifiedVersionless().getValue();
		DeviceRequest forOtherPump = order.copy().setCode(new Reference(otherPump));
		assertThat(refused(() -> client.create().resource(forOtherPump).execute(), 422).getIssueFirstRep().getDetails().getText())
				.contains("is not for the pump " + otherPump);

		MedicationRequest stopped = client.read().resource(MedicationRequest.class).withId(prescription).execute();
		stopped.setStatus(MedicationRequest.MedicationRequestStatus.STOPPED);
		client.update().resource(stopped).execute();
		OperationOutcome outcome = refused(() -> client.create().resource(order).execute(), 422);
		assertThat(rules(outcome)).containsExactly("CONFIG-01");
		assertThat(outcome.getIssueFirstRep().getDetails().getText()).contains("stopped, not active");
		assertThat(storedFor(patient)).isEmpty();
	}

	@Test
	void aPrescriptionThatFailsTodaysChecksGivesNoConfiguration() {
		String sixtyDays = prescribe(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").requestedDays(60));
		DeviceRequest order = configurationOf(sixtyDays, client).setStatus(DeviceRequestStatus.ACTIVE);

		// The pump has since reported ERI 60 days ago: 30 days to end of service are left, not 60.
		postReading("2", LocalDate.now().minusDays(60));
		assertThat(rules(refused(() -> configurationOf(sixtyDays, client), 422))).contains("REFILL-01", "PUMP-08");
		assertThat(rules(refused(() -> client.create().resource(order).execute(), 422))).contains("REFILL-01", "PUMP-08");
	}

	@Test
	void onlyCallersWhoMayPrescribeForThePatientGetTheConfiguration() throws Exception {
		IGenericClient anonymous = FHIR.newRestfulGenericClient(fhirBase());
		refused(() -> configurationOf(prescription, anonymous), 401);

		IGenericClient deviceReader = FHIR.newRestfulGenericClient(fhirBase());
		deviceReader.registerInterceptor(new BearerTokenAuthInterceptor(TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER,
				TestClients.DEVICE_READER_SCOPES)));
		// An operation on an instance out of reach answers as one on an instance that does not exist.
		refused(() -> configurationOf(prescription, deviceReader), 404);

		String pharmacyOfNobody = client.create().resource(new Organization().setName("Pharmacy of nobody")).execute().getId().getIdPart();
		IGenericClient otherPharmacy = FHIR.newRestfulGenericClient(fhirBase());
		otherPharmacy.registerInterceptor(new BearerTokenAuthInterceptor(TestClients.organisationSystemToken(baseUrl(), accessToken, "PHARMACIST",
				"Organization/" + pharmacyOfNobody, "system/MedicationRequest.rs system/DeviceRequest.rs")));
		refused(() -> configurationOf(prescription, otherPharmacy), 404);
	}
}
