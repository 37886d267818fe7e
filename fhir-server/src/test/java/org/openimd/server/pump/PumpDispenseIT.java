package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.audit.AuditEvents;
import org.openimd.terminology.OpenImdUris;

/**
 * A pharmacy's system (SMART Backend Services, acting for the pharmacy) dispenses refills for the
 * pumps of the patients its pharmacy serves: each dispense is checked against its prescription and
 * the pump, accepted or refused with the rule that decided, and attributed by a Provenance. Its own
 * pump prescriptions go through the prescription checks like anyone's.
 */
class PumpDispenseIT extends BaseServerIT {

	private static final String SCOPES = "system/MedicationDispense.cru system/MedicationRequest.crus system/Device.rs system/Patient.rs";

	String pharmacy;
	String patient;
	String pump;
	String otherPatient;
	String otherPump;
	IGenericClient pharmacySystem;

	@BeforeEach
	void aPharmacyServingOnePumpPatient() throws Exception {
		pharmacy = client.create().resource(new Organization().setName("Pharmacy")).execute().getId().getIdPart();
		patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		pump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + patient))).execute().getId().getIdPart();
		otherPatient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		otherPump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + otherPatient))).execute()
				.getId().getIdPart();
		CareTeam served = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + patient));
		served.addParticipant().setMember(new Reference("Organization/" + pharmacy));
		client.create().resource(served).execute();
		pharmacySystem = FHIR.newRestfulGenericClient(fhirBase());
		pharmacySystem.registerInterceptor(new BearerTokenAuthInterceptor(
				TestClients.organisationSystemToken(baseUrl(), accessToken, "PHARMACIST", "Organization/" + pharmacy, SCOPES)));
	}

	/** A prescriber's morphine order for the pump: 10 mg/mL at 1 mg/d, 90 days by stability (S19). */
	private String prescribed(String thePatient, String thePump) {
		return client.create().resource(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").order(thePatient, thePump)).execute().getId()
				.toUnqualifiedVersionless().getValue();
	}

	private static PumpInput morphine(String theStrength) {
		return PumpInput.of("morphine", theStrength, "mg/mL");
	}

	private OperationOutcome refused(MedicationDispense theDispense, int theStatus) {
		BaseServerResponseException refused = catchThrowableOfType(() -> pharmacySystem.create().resource(theDispense).execute(),
				BaseServerResponseException.class);
		assertThat(refused).as("the dispense was refused").isNotNull();
		assertThat(refused.getStatusCode()).isEqualTo(theStatus);
		assertThat(dispensesWith(theDispense.getIdentifierFirstRep())).as("nothing stored").isEmpty();
		return (OperationOutcome) refused.getOperationOutcome();
	}

	private List<Resource> dispensesWith(Identifier theIdentifier) {
		return client.search().forResource(MedicationDispense.class)
				.where(MedicationDispense.IDENTIFIER.exactly().systemAndCode(theIdentifier.getSystem(), theIdentifier.getValue()))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> entry.getResource()).toList();
	}

	private static List<String> rules(OperationOutcome theOutcome) {
		return theOutcome.getIssue().stream().map(issue -> issue.getDetails().getCodingFirstRep().getCode()).toList();
	}

	private List<Provenance> provenanceOf(String theTarget) {
		return client.search().forResource(Provenance.class).where(Provenance.TARGET.hasId(theTarget)).returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> (Provenance) entry.getResource()).toList();
	}

	@Test
	void theDispenseOfThePrescribedProductIsAcceptedAndAttributedToThePharmacySystem() {
		String prescription = prescribed(patient, pump);
		String dispensed = pharmacySystem.create().resource(PumpInput.dispense(patient, prescription, morphine("10"), "20")).execute().getId()
				.toUnqualified().getValue();

		assertThat(provenanceOf(dispensed.replaceAll("/_history/.*", ""))).singleElement().satisfies(provenance -> {
			assertThat(provenance.getTargetFirstRep().getReference()).isEqualTo(dispensed);
			assertThat(provenance.getActivity().getCodingFirstRep().getCode()).isEqualTo("CREATE");
			Provenance.ProvenanceAgentComponent author = provenance.getAgentFirstRep();
			assertThat(author.getType().getCodingFirstRep().getCode()).isEqualTo("author");
			assertThat(author.getWho().getIdentifier().getSystem()).isEqualTo(AuditEvents.CLIENT_ID_SYSTEM);
			assertThat(author.getWho().getIdentifier().getValue()).startsWith("it-pharmacist-system-");
			assertThat(author.getOnBehalfOf().getReference()).isEqualTo("Organization/" + pharmacy);
		});
	}

	@Test
	void DISPENSE_01_aDispenseMustFillAnActivePumpPrescriptionOfItsOwnPatient() {
		assertThat(rules(refused(PumpInput.dispense(patient, null, morphine("10"), "20"), 422))).containsExactly("DISPENSE-01");

		MedicationRequest stopped = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").order(patient, pump)
				.setStatus(MedicationRequest.MedicationRequestStatus.STOPPED);
		String stoppedId = client.create().resource(stopped).execute().getId().toUnqualifiedVersionless().getValue();
		OperationOutcome notActive = refused(PumpInput.dispense(patient, stoppedId, morphine("10"), "20"), 422);
		assertThat(rules(notActive)).containsExactly("DISPENSE-01");
		assertThat(notActive.getIssueFirstRep().getDetails().getText()).contains("stopped");

		// The other patient's prescription, handed to this pharmacy's patient.
		OperationOutcome otherPatients = refused(PumpInput.dispense(patient, prescribed(otherPatient, otherPump), morphine("10"), "20"), 422);
		assertThat(rules(otherPatients)).containsExactly("DISPENSE-01");
		assertThat(otherPatients.getIssueFirstRep().getDetails().getText()).contains("another patient");
	}

	@Test
	void DISPENSE_02_anotherConcentrationOrIngredientThanPrescribedIsRefused() {
		String prescription = prescribed(patient, pump);
		OperationOutcome stronger = refused(PumpInput.dispense(patient, prescription, morphine("20"), "20"), 422);
		assertThat(rules(stronger)).containsExactly("DISPENSE-02");
		assertThat(stronger.getIssueFirstRep().getDetails().getText()).contains("dispensed at 20 mg/mL, prescribed at 10 mg/mL");

		OperationOutcome admixed = refused(PumpInput.dispense(patient, prescription, morphine("10").and("bupivacaine", "10", "mg/mL"), "20"), 422);
		assertThat(rules(admixed)).contains("DISPENSE-02");
		assertThat(admixed.getIssueFirstRep().getDetails().getText()).contains("Bupivacaine dispensed, not prescribed");
	}

	@Test
	void DISPENSE_03_moreThanThePumpsReservoirHoldsIsRefused() {
		OperationOutcome overfilled = refused(PumpInput.dispense(patient, prescribed(patient, pump), morphine("10"), "20.5"), 422);
		assertThat(rules(overfilled)).containsExactly("DISPENSE-03");
		assertThat(overfilled.getIssueFirstRep().getDetails().getText()).contains("20.5 mL dispensed for a SynchroMed II 8637-20 of 20 mL");
	}

	@Test
	void aSupplyLongerThanTheProductIsStableIsRefusedAsThePrescriptionWouldBe() {
		MedicationDispense tooLong = PumpInput.dispense(patient, prescribed(patient, pump), morphine("10"), "20");
		// Morphine keeps 90 days in the pump (STAB-01, S19); the reservoir would last 180.
		tooLong.setDaysSupply(PumpInput.ucum("120", "d"));
		assertThat(rules(refused(tooLong, 422))).containsExactly("STAB-01");

		MedicationDispense withinStability = PumpInput.dispense(patient, prescribed(patient, pump), morphine("10"), "20");
		withinStability.setDaysSupply(PumpInput.ucum("90", "d"));
		assertThat(pharmacySystem.create().resource(withinStability).execute().getCreated()).isTrue();
	}

	@Test
	void warningsOnWhatIsDispensedAreStoredAsDetectedIssuesOnTheDispense() {
		String prescription = client.create().resource(PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d").order(patient, pump))
				.execute().getId().toUnqualifiedVersionless().getValue();
		String dispensed = pharmacySystem.create().resource(PumpInput.dispense(patient, prescription, PumpInput.of("hydromorphone", "10", "mg/mL"), "20"))
				.execute().getId().toUnqualified().getValue();

		List<DetectedIssue> issues = client.search().forResource(DetectedIssue.class).where(DetectedIssue.PATIENT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource())
				.filter(issue -> issue.getImplicatedFirstRep().getReference().startsWith("MedicationDispense/")).toList();
		assertThat(issues).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getSystem()).isEqualTo(OpenImdUris.INTRATHECAL_RULE_SYSTEM);
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("PUMP-03");
			assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo(dispensed);
		});
	}

	@Test
	void badInputIsA400NamingTheElement() {
		MedicationDispense noVolume = PumpInput.dispense(patient, prescribed(patient, pump), morphine("10"), "20");
		noVolume.setQuantity(null);
		assertThat(refused(noVolume, 400).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("MedicationDispense.quantity");

		MedicationDispense inGrams = PumpInput.dispense(patient, prescribed(patient, pump), morphine("10"), "20");
		inGrams.setQuantity(PumpInput.ucum("20", "g"));
		assertThat(refused(inGrams, 400).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("MedicationDispense.quantity");
	}

	@Test
	void thePharmacySystemsOwnPumpPrescriptionsAreCheckedAndAttributed() {
		MedicationRequest overdose = PumpInput.of("morphine", "20", "mg/mL").basal("16", "mg/d").order(patient, pump);
		BaseServerResponseException refused = catchThrowableOfType(() -> pharmacySystem.create().resource(overdose).execute(),
				BaseServerResponseException.class);
		assertThat(refused.getStatusCode()).isEqualTo(422);
		assertThat(rules((OperationOutcome) refused.getOperationOutcome())).contains("DOSE-01");

		String accepted = pharmacySystem.create().resource(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").order(patient, pump))
				.execute().getId().toUnqualified().getValue();
		assertThat(provenanceOf(accepted.replaceAll("/_history/.*", ""))).singleElement().satisfies(provenance -> {
			assertThat(provenance.getTargetFirstRep().getReference()).isEqualTo(accepted);
			assertThat(provenance.getAgentFirstRep().getOnBehalfOf().getReference()).isEqualTo("Organization/" + pharmacy);
		});
	}

	@Test
	void thePharmacySystemNeitherWritesNorSeesPrescriptionsThatAreNoPumps() {
		MedicationRequest oral = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setSubject(new Reference("Patient/" + patient));
		oral.getMedicationCodeableConcept().setText("baclofen 10 mg tablets, by mouth");
		BaseServerResponseException refused = catchThrowableOfType(() -> pharmacySystem.create().resource(oral).execute(),
				BaseServerResponseException.class);
		assertThat(refused.getStatusCode()).isEqualTo(403);

		String clinicians = client.create().resource(oral).execute().getId().toUnqualifiedVersionless().getValue();
		String pumpOrder = prescribed(patient, pump);
		assertThat(pharmacySystem.search().forResource(MedicationRequest.class).where(MedicationRequest.SUBJECT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry()).extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless()
						.getValue()).contains(pumpOrder).doesNotContain(clinicians);
		assertThat(catchThrowableOfType(() -> pharmacySystem.read().resource(MedicationRequest.class).withUrl(clinicians).execute(),
				BaseServerResponseException.class).getStatusCode()).as("out of reach, as if absent").isEqualTo(404);
	}

	@Test
	void thePharmacySystemCannotDispenseForAPatientItsPharmacyDoesNotServe() {
		MedicationDispense forOther = PumpInput.dispense(otherPatient, prescribed(otherPatient, otherPump), morphine("10"), "20");
		refused(forOther, 403);
	}
}
