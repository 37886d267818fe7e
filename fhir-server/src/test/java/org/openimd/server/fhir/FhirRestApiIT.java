package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.Mdc;

class FhirRestApiIT extends BaseServerIT {

	@Value("${" + ServedResourceTypes.PROPERTY + "}")
	private List<String> myServedTypes;

	@Test
	void capabilityStatementNamesOpenImdItsVersionAndFhirR4() {
		CapabilityStatement metadata = client.capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(metadata.getFhirVersion().toCode()).isEqualTo("4.0.1");
		assertThat(metadata.getSoftware().getName()).isEqualTo("OpenIMD");
		assertThat(metadata.getSoftware().getVersion()).isEqualTo(System.getProperty("openimd.version"));
		assertThat(metadata.getRestFirstRep().getResource())
				.extracting(resource -> resource.getType())
				.contains("Patient", "Device", "Observation", "DiagnosticReport", "DocumentReference", "Provenance");
	}

	@Test
	void onlyTheConfiguredResourceTypesAreServed() throws Exception {
		CapabilityStatement metadata = client.capabilities().ofType(CapabilityStatement.class).execute();

		assertThat(metadata.getRestFirstRep().getResource())
				.extracting(resource -> resource.getType())
				.containsExactlyInAnyOrderElementsOf(myServedTypes)
				.doesNotContain("Claim", "ResearchStudy");
		HttpResponse<String> claims = HttpClient.newHttpClient().send(authorized("/fhir/Claim").GET().build(), BodyHandlers.ofString());
		assertThat(claims.statusCode()).isEqualTo(404);
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, claims.body()).getIssueFirstRep().getDiagnostics())
				.contains("Claim");
	}

	@Test
	void createdPatientIsReadBack() {
		Identifier identifier = uniqueIdentifier();

		IdType id = (IdType) client.create().resource(patient(identifier, "Morgan")).execute().getId();
		Patient read = client.read().resource(Patient.class).withId(id.getIdPart()).execute();

		assertThat(read.getIdentifierFirstRep().getValue()).isEqualTo(identifier.getValue());
		assertThat(read.getNameFirstRep().getFamily()).isEqualTo("Morgan");
		assertThat(read.getMeta().getVersionId()).isEqualTo("1");
	}

	@Test
	void updateMakesANewVersionAndHistoryKeepsBoth() {
		Patient patient = patient(uniqueIdentifier(), "Morgan");
		IdType id = (IdType) client.create().resource(patient).execute().getId();

		patient.setId(id.toUnqualifiedVersionless());
		patient.getNameFirstRep().setFamily("Morgan-Welby");
		client.update().resource(patient).execute();

		Bundle history = client.history().onInstance(id.toUnqualifiedVersionless()).returnBundle(Bundle.class).execute();
		assertThat(history.getEntry())
				.extracting(entry -> ((Patient) entry.getResource()).getNameFirstRep().getFamily())
				.containsExactly("Morgan-Welby", "Morgan");
		Patient first = client.read().resource(Patient.class).withUrl(id.withVersion("1")).execute();
		assertThat(first.getNameFirstRep().getFamily()).isEqualTo("Morgan");
	}

	@Test
	void deletedPatientIsGone() {
		IdType id = (IdType) client.create().resource(patient(uniqueIdentifier(), "Gone")).execute().getId();
		// the audit trail records the creation after the response; a delete racing that write can answer 409 (a known race)
		auditEventsEventually("entity=" + id.toUnqualifiedVersionless().getValue(), event -> true);

		client.delete().resourceById(id.toUnqualifiedVersionless()).execute();

		assertThatThrownBy(() -> client.read().resource(Patient.class).withId(id.getIdPart()).execute())
				.isInstanceOf(ResourceGoneException.class);
	}

	@Test
	void searchByIdentifierFindsOnlyThatPatient() {
		Identifier identifier = uniqueIdentifier();
		client.create().resource(patient(identifier, "Found")).execute();
		client.create().resource(patient(uniqueIdentifier(), "Other")).execute();

		Bundle found = client.search()
				.forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndIdentifier(identifier.getSystem(), identifier.getValue()))
				.returnBundle(Bundle.class)
				.execute();

		assertThat(found.getEntry())
				.extracting(entry -> ((Patient) entry.getResource()).getNameFirstRep().getFamily())
				.containsExactly("Found");
	}

	@Test
	void observationSearchIncludesItsSubject() {
		IdType patientId = (IdType) client.create().resource(patient(uniqueIdentifier(), "Included")).execute().getId();
		client.create().resource(impedance(new Reference(patientId.toUnqualifiedVersionless()), 540)).execute();

		Bundle found = client.search()
				.forResource(Observation.class)
				.where(Observation.SUBJECT.hasId(patientId.toUnqualifiedVersionless()))
				.include(Observation.INCLUDE_SUBJECT)
				.returnBundle(Bundle.class)
				.execute();

		assertThat(found.getEntry())
				.extracting(entry -> entry.getResource().fhirType(), entry -> entry.getSearch().getMode().toCode())
				.containsExactlyInAnyOrder(
						tuple("Observation", "match"),
						tuple("Patient", "include"));
	}

	@Test
	void transactionStoresAllEntriesAndResolvesTheirReferences() {
		Identifier identifier = uniqueIdentifier();
		Bundle transaction = interrogationTransaction(identifier, 540);

		Bundle response = client.transaction().withBundle(transaction).execute();

		assertThat(response.getEntry()).extracting(entry -> entry.getResponse().getStatus())
				.allMatch(status -> status.startsWith("201"));
		IdType patientId = new IdType(response.getEntry().get(0).getResponse().getLocation());
		Observation stored = client.read().resource(Observation.class)
				.withUrl(new IdType(response.getEntry().get(1).getResponse().getLocation()))
				.execute();
		assertThat(stored.getSubject().getReference()).isEqualTo(patientId.toUnqualifiedVersionless().getValue());
	}

	@Test
	void conditionalCreateInATransactionDoesNotDuplicateThePatient() {
		Identifier identifier = uniqueIdentifier();

		client.transaction().withBundle(interrogationTransaction(identifier, 540)).execute();
		Bundle second = client.transaction().withBundle(interrogationTransaction(identifier, 560)).execute();

		assertThat(second.getEntry().get(0).getResponse().getStatus()).startsWith("200");
		assertThat(patientsWith(identifier)).hasSize(1);
		Bundle observations = client.search().forResource(Observation.class)
				.where(Observation.SUBJECT.hasId(patientsWith(identifier).get(0).getIdElement().toUnqualifiedVersionless()))
				.returnBundle(Bundle.class)
				.execute();
		assertThat(observations.getEntry()).hasSize(2);
	}

	@Test
	void failedTransactionWritesNothing() {
		Identifier identifier = uniqueIdentifier();
		Bundle transaction = interrogationTransaction(identifier, 540);
		// The second entry refers to a patient that does not exist: the whole transaction must fail.
		((Observation) transaction.getEntry().get(1).getResource()).setSubject(new Reference("Patient/does-not-exist"));

		assertThatThrownBy(() -> client.transaction().withBundle(transaction).execute())
				.isInstanceOf(BaseServerResponseException.class)
				.satisfies(error -> assertThat(((BaseServerResponseException) error).getStatusCode()).isBetween(400, 499));
		assertThat(patientsWith(identifier)).isEmpty();
	}

	@Test
	void batchAnswersEachEntryOnItsOwn() {
		Identifier identifier = uniqueIdentifier();
		Bundle batch = new Bundle().setType(BundleType.BATCH);
		batch.addEntry().setResource(patient(identifier, "Batched")).getRequest().setMethod(HTTPVerb.POST).setUrl("Patient");
		batch.addEntry().getRequest().setMethod(HTTPVerb.GET).setUrl("Patient/does-not-exist");

		Bundle response = client.transaction().withBundle(batch).execute();

		assertThat(response.getType()).isEqualTo(BundleType.BATCHRESPONSE);
		assertThat(response.getEntry().get(0).getResponse().getStatus()).startsWith("201");
		assertThat(response.getEntry().get(1).getResponse().getStatus()).startsWith("404");
		assertThat(patientsWith(identifier)).hasSize(1);
	}

	@Test
	void conditionalUpdateCreatesOnceThenUpdatesTheSameResource() {
		Identifier identifier = uniqueIdentifier();
		String match = "Patient?identifier=" + identifier.getSystem() + "|" + identifier.getValue();

		MethodOutcome created = client.update().resource(patient(identifier, "First")).conditionalByUrl(match).execute();
		MethodOutcome updated = client.update().resource(patient(identifier, "Second")).conditionalByUrl(match).execute();

		assertThat(created.getCreated()).isTrue();
		assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
		assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");
		assertThat(patientsWith(identifier)).singleElement()
				.satisfies(patient -> assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("Second"));
	}

	@Test
	void validateReportsErrorsInAnInvalidResource() throws Exception {
		Observation noStatusNoCode = new Observation();
		noStatusNoCode.setValue(new Quantity(5));

		OperationOutcome outcome = validate(noStatusNoCode);

		assertThat(outcome.getIssue())
				.filteredOn(issue -> issue.getSeverity() == IssueSeverity.ERROR)
				.extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
				.anySatisfy(diagnostics -> assertThat(diagnostics).startsWith("Observation.status: minimum required = 1"))
				.anySatisfy(diagnostics -> assertThat(diagnostics).startsWith("Observation.code: minimum required = 1"));
	}

	@Test
	void validateAcceptsAValidResource() throws Exception {
		OperationOutcome outcome = validate(patient(uniqueIdentifier(), "Valid").setGender(AdministrativeGender.FEMALE));

		assertThat(outcome.getIssue()).noneMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR
				|| issue.getSeverity() == IssueSeverity.FATAL);
	}

	private OperationOutcome validate(IBaseResource theResource) throws Exception {
		return validate(theResource.fhirType(), FHIR.newJsonParser().encodeResourceToString(theResource), "");
	}

	private List<Patient> patientsWith(Identifier theIdentifier) {
		Bundle found = client.search()
				.forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndIdentifier(theIdentifier.getSystem(), theIdentifier.getValue()))
				.returnBundle(Bundle.class)
				.execute();
		return found.getEntry().stream().map(entry -> (Patient) entry.getResource()).toList();
	}

	private static Bundle interrogationTransaction(Identifier thePatientIdentifier, int theImpedanceOhm) {
		Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
		String patientUrn = "urn:uuid:" + UUID.randomUUID();
		transaction.addEntry()
				.setFullUrl(patientUrn)
				.setResource(patient(thePatientIdentifier, "Transacted"))
				.getRequest()
				.setMethod(HTTPVerb.POST)
				.setUrl("Patient")
				.setIfNoneExist("identifier=" + thePatientIdentifier.getSystem() + "|" + thePatientIdentifier.getValue());
		transaction.addEntry()
				.setResource(impedance(new Reference(patientUrn), theImpedanceOhm))
				.getRequest()
				.setMethod(HTTPVerb.POST)
				.setUrl("Observation");
		return transaction;
	}

	private static Patient patient(Identifier theIdentifier, String theFamily) {
		Patient patient = new Patient();
		patient.addIdentifier(theIdentifier);
		patient.addName().setFamily(theFamily);
		return patient;
	}

	/** An RV lead impedance, as an IDCO interrogation reports it. */
	private static Observation impedance(Reference theSubject, int theOhm) {
		Observation observation = new Observation();
		observation.setStatus(Observation.ObservationStatus.FINAL);
		observation.getCode().addCoding()
				.setSystem(Mdc.SYSTEM)
				.setCode("722433")
				.setDisplay("MDC_IDC_MSMT_LEADCHNL_RV_IMPEDANCE_VALUE");
		observation.setSubject(theSubject);
		observation.setValue(new Quantity().setValue(theOhm).setUnit("Ohm").setSystem("http://unitsofmeasure.org").setCode("Ohm"));
		return observation;
	}
}
