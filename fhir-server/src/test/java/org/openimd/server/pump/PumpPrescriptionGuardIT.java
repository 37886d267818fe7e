package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.PlantedFailure;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Stored prescriptions for intrathecal pumps go through the same checks as the operation: a REJECT
 * is a 422 and nothing is stored, warnings become DetectedIssues on the version they concern.
 */
class PumpPrescriptionGuardIT extends BaseServerIT {

	@Autowired
	IInterceptorService storage;

	String patient;
	String pump;

	@BeforeEach
	void aPatientWithASynchroMed() {
		patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		pump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + patient))).execute().getId()
				.getIdPart();
	}

	/** The order as a prescriber's system stores it: by the intrathecal route, the pump in supportingInformation. */
	private MedicationRequest order(PumpInput theInput) {
		return theInput.order(patient, pump);
	}

	private OperationOutcome refusal(Runnable theWrite, int theStatus) {
		BaseServerResponseException refused = catchThrowableOfType(theWrite::run, BaseServerResponseException.class);
		assertThat(refused).as("the write was refused").isNotNull();
		assertThat(refused.getStatusCode()).isEqualTo(theStatus);
		return (OperationOutcome) refused.getOperationOutcome();
	}

	private List<MedicationRequest> stored(Identifier theIdentifier) {
		return client.search().forResource(MedicationRequest.class)
				.where(MedicationRequest.IDENTIFIER.exactly().systemAndCode(theIdentifier.getSystem(), theIdentifier.getValue()))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (MedicationRequest) entry.getResource()).toList();
	}

	@Test
	void aRejectedPrescriptionIsA422WithTheFindingsAndNothingIsStored() {
		MedicationRequest overdose = order(PumpInput.of("morphine", "20", "mg/mL").basal("16", "mg/d"));
		OperationOutcome outcome = refusal(() -> client.create().resource(overdose).execute(), 422);
		assertThat(outcome.getIssue()).anySatisfy(issue -> {
			assertThat(issue.getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
			assertThat(issue.getDetails().getCodingFirstRep().getCode()).isEqualTo("DOSE-01");
		});
		assertThat(stored(overdose.getIdentifierFirstRep())).isEmpty();
	}

	@Test
	void warningsAreStoredAsDetectedIssuesOnTheVersionTheyConcern() {
		MedicationRequest offLabel = order(PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d"));
		String id = client.create().resource(offLabel).execute().getId().toUnqualified().getValue();

		List<DetectedIssue> issues = client.search().forResource(DetectedIssue.class).where(DetectedIssue.PATIENT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource()).toList();
		assertThat(issues).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getSystem()).isEqualTo(OpenImdUris.INTRATHECAL_RULE_SYSTEM);
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("PUMP-03");
			assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo(id);
			assertThat(issue.getDetail()).contains("Hydromorphone");
		});
	}

	@Test
	void aPrescriptionWhoseWarningCannotBeStoredIsNotStoredEither() {
		MedicationRequest offLabel = order(PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d"));
		PlantedFailure failure = new PlantedFailure(DetectedIssue.class::isInstance, 1);
		storage.registerInterceptor(failure);
		try {
			refusal(() -> client.create().resource(offLabel).execute(), 422);
		} finally {
			storage.unregisterInterceptor(failure);
		}
		assertThat(stored(offLabel.getIdentifierFirstRep())).as("the order and its warning are one write").isEmpty();
	}

	@Test
	void aPrescriptionWithWarningsWrittenInATransactionGetsItsDetectedIssueToo() {
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(order(PumpInput.of("morphine", "20.5", "mg/mL").basal("2", "mg/d"))).getRequest()
				.setMethod(Bundle.HTTPVerb.POST).setUrl("MedicationRequest");
		String created = client.transaction().withBundle(transaction).execute().getEntryFirstRep().getResponse().getLocation();

		List<DetectedIssue> issues = client.search().forResource(DetectedIssue.class).where(DetectedIssue.PATIENT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource()).toList();
		assertThat(issues).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("CONC-02");
			assertThat(created).startsWith(issue.getImplicatedFirstRep().getReference());
		});
	}

	@Test
	void anIntrathecalOrderWithoutItsPumpOrWithAnotherPatientsPumpIsRefused() {
		MedicationRequest withoutPump = order(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"));
		withoutPump.getSupportingInformation().clear();
		assertThat(refusal(() -> client.create().resource(withoutPump).execute(), 422).getIssueFirstRep().getDiagnostics())
				.contains("supportingInformation");

		String otherPatient = client.create().resource(new Patient()).execute().getId().getIdPart();
		MedicationRequest forOther = order(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"));
		forOther.setSubject(new Reference("Patient/" + otherPatient));
		assertThat(refusal(() -> client.create().resource(forOther).execute(), 422).getIssueFirstRep().getDiagnostics())
				.contains("another patient");
	}

	@Test
	void anUpdateIsCheckedAgainstTheVersionBeforeAndStoppingIsNeverBlocked() {
		MedicationRequest ziconotide = order(PumpInput.of("Prialt", "25", "ug/mL").basal("2.4", "ug/d"));
		Extension therapy = new Extension(OpenImdUris.INTRATHECAL_THERAPY_EXTENSION);
		therapy.addExtension("opioidTolerant", new BooleanType(true));
		ziconotide.addExtension(therapy);
		MedicationRequest created = (MedicationRequest) client.create().resource(ziconotide).execute().getResource();

		// From 2.4 to 6 ug/d at once, within the hour: DOSE-06 twice over.
		MedicationRequest titrated = order(PumpInput.of("Prialt", "25", "ug/mL").basal("6", "ug/d"));
		titrated.setId(created.getIdElement().toUnqualifiedVersionless());
		OperationOutcome outcome = refusal(() -> client.update().resource(titrated).execute(), 422);
		assertThat(outcome.getIssue()).extracting(issue -> issue.getDetails().getCodingFirstRep().getCode()).containsOnly("DOSE-06");
		assertThat(client.read().resource(MedicationRequest.class).withId(created.getIdElement().toUnqualifiedVersionless()).execute()
				.getMeta().getVersionId()).isEqualTo("1");

		titrated.setStatus(MedicationRequest.MedicationRequestStatus.STOPPED);
		assertThat(client.update().resource(titrated).execute().getId().getVersionIdPart()).isEqualTo("2");
	}

	@Test
	void aTransactionWithARejectedPrescriptionWritesNothing() {
		Observation alongside = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + patient));
		alongside.getCode().setText("written with the prescription");
		alongside.addIdentifier(uniqueIdentifier());
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(alongside).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		MedicationRequest overdose = order(PumpInput.of("ziconotide", "25", "ug/mL").basal("20", "ug/d"));
		transaction.addEntry().setResource(overdose).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("MedicationRequest");

		refusal(() -> client.transaction().withBundle(transaction).execute(), 422);
		assertThat(stored(overdose.getIdentifierFirstRep())).isEmpty();
		assertThat(client.search().forResource(Observation.class).where(Observation.IDENTIFIER.exactly().systemAndCode(
				alongside.getIdentifierFirstRep().getSystem(), alongside.getIdentifierFirstRep().getValue())).returnBundle(Bundle.class).execute()
				.getEntry()).isEmpty();
	}

	@Test
	void aNewOrderIsTitratedFromThePrescriptionItReplaces() {
		MedicationRequest ziconotide = order(PumpInput.of("Prialt", "25", "ug/mL").basal("2.4", "ug/d"));
		String first = client.create().resource(ziconotide).execute().getId().toUnqualifiedVersionless().getValue();

		// A new order, not an update: its priorPrescription gives the dose it raises, 2.4 to 6 ug/d within the hour (DOSE-06).
		MedicationRequest replacing = order(PumpInput.of("Prialt", "25", "ug/mL").basal("6", "ug/d"));
		replacing.setPriorPrescription(new Reference(first));
		OperationOutcome outcome = refusal(() -> client.create().resource(replacing).execute(), 422);
		assertThat(outcome.getIssue()).extracting(issue -> issue.getDetails().getCodingFirstRep().getCode()).containsOnly("DOSE-06");
		assertThat(stored(replacing.getIdentifierFirstRep())).isEmpty();
	}

	@Test
	void aPumpAtEriByItsLastReadingCapsTheRefillIntervalWithoutThePrescriberSayingSo() {
		LocalDate today = LocalDate.now();
		Observation reading = PumpTelemetryTest.with(PumpTelemetryTest.reading("18", "0.1"), "eri-date", new DateTimeType(today.minusDays(60).toString()));
		reading.setStatus(Observation.ObservationStatus.FINAL).setEffective(new DateTimeType(today.minusDays(1) + "T09:30:00Z"));
		reading.setSubject(new Reference("Patient/" + patient)).setDevice(new Reference("Device/" + pump));
		client.create().resource(reading).execute();

		// SynchroMed II: 90 days from ERI to end of service, 60 gone: 30 left, less than the 60 days asked for (REFILL-01).
		MedicationRequest tooLong = order(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").requestedDays(60));
		OperationOutcome outcome = refusal(() -> client.create().resource(tooLong).execute(), 422);
		assertThat(outcome.getIssue()).extracting(issue -> issue.getDetails().getCodingFirstRep().getCode()).contains("REFILL-01", "PUMP-08");
		assertThat(outcome.getIssue()).filteredOn(issue -> issue.getDetails().getCodingFirstRep().getCode().equals("PUMP-08"))
				.singleElement().satisfies(issue -> assertThat(issue.getDetails().getText()).contains("60 days").contains("30"));

		String accepted = client.create().resource(order(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").requestedDays(30)))
				.execute().getId().toUnqualified().getValue();
		List<DetectedIssue> issues = client.search().forResource(DetectedIssue.class).where(DetectedIssue.PATIENT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource()).toList();
		assertThat(issues).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("PUMP-08");
			assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo(accepted);
		});
	}
}
