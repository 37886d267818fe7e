package org.openimd.server.advisories;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * Information for patients reaches the patients it is meant for: by device type, condition and
 * region together; a clinician's only their own patients; once each, however often it is published.
 */
class PatientInformationIT extends BaseServerIT {

	private static final String ICD = "753666";
	private static final Coding HEART_FAILURE = new Coding("http://snomed.info/sct", "84114007", "Heart failure");

	String region;
	String icdWithHeartFailure;
	String icdWithHeartFailureOfAnotherClinic;
	String icdWithoutHeartFailure;
	String practitioner;

	@BeforeEach
	void patientsWithDevicesConditionsAndAddresses() {
		region = "Region-" + UUID.randomUUID();
		icdWithHeartFailure = patient(ICD, true, region);
		icdWithHeartFailureOfAnotherClinic = patient(ICD, true, region);
		icdWithoutHeartFailure = patient(ICD, false, region);
		patient(ICD, true, "Elsewhere-" + UUID.randomUUID());
		practitioner = stored(new Practitioner().addIdentifier(uniqueIdentifier()));
		for (String patient : new String[] {icdWithHeartFailure, icdWithoutHeartFailure}) {
			CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + patient));
			stored(team.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference("Practitioner/" + practitioner))));
		}
	}

	@Test
	void aClinicianReachesTheirOwnPatientsItIsMeantForOnceEach() throws Exception {
		IGenericClient clinician = as(personToken(Role.CLINICIAN, "Practitioner/" + practitioner, "openid fhirUser user/*.cruds"));

		Parameters first = publish(clinician, information("trial-1"));
		assertThat(integer(first, "reached")).as("ICD, heart failure, the region, and their patient").isEqualTo(1);
		assertThat(integer(publish(clinician, information("trial-1")), "newlyReached")).as("published again").isZero();

		IGenericClient patient = as(personToken(Role.PATIENT, "Patient/" + icdWithHeartFailure, "openid fhirUser launch/patient patient/*.cruds"));
		Communication received = single(patient.search().forResource(Communication.class)
				.where(Communication.CATEGORY.exactly().systemAndCode(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.PATIENT_INFORMATION))
				.returnBundle(Bundle.class).execute(), Communication.class);
		assertThat(received.getPayloadFirstRep().getContentStringType().getValue()).contains("study");
		assertThat(received.getSender().getReference()).isEqualTo("Practitioner/" + practitioner);
		assertThat(client.search().forResource(Communication.class).where(Communication.SUBJECT.hasId("Patient/" + icdWithHeartFailureOfAnotherClinic))
				.and(Communication.CATEGORY.exactly().systemAndCode(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.PATIENT_INFORMATION))
				.returnBundle(Bundle.class).execute().getEntry()).as("another clinic's patient").isEmpty();

		// an administrator's reaches every patient it is meant for
		String administrator = personToken(Role.ADMIN, null, "user/*.cruds");
		assertThat(integer(publish(as(administrator), information("trial-2")), "reached")).isEqualTo(2);
	}

	@Test
	void patientsManufacturersAndSystemsDoNotPublishAndItMustSayForWhom() throws Exception {
		IGenericClient patient = as(personToken(Role.PATIENT, "Patient/" + icdWithHeartFailure, "openid fhirUser launch/patient patient/*.cruds"));
		assertThat(refusal(() -> publish(patient, information("x")))).isEqualTo(403);
		assertThat(refusal(() -> publish(client, information("x")))).as("a system for nobody").isEqualTo(403);
		String maker = stored(new Organization().setName("Maker " + UUID.randomUUID()));
		IGenericClient manufacturer = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + maker,
				"system/Device.rs"));
		assertThat(refusal(() -> publish(manufacturer, information("x")))).isEqualTo(403);
		assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/$publish-information"))
				.header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
						FHIR.newJsonParser().encodeResourceToString(information("x")))).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
				.isEqualTo(401);

		IGenericClient clinician = as(personToken(Role.CLINICIAN, "Practitioner/" + practitioner, "openid fhirUser user/*.cruds"));
		Parameters forEverybody = information("y");
		forEverybody.getParameter().removeIf(parameter -> parameter.getName().matches("deviceType|condition|region"));
		assertThat(refusal(() -> publish(clinician, forEverybody))).isEqualTo(400);
		Parameters unknownKind = information("y");
		unknownKind.getParameter("kind").setValue(new StringType("advertisement"));
		assertThat(refusal(() -> publish(clinician, unknownKind))).isEqualTo(400);
	}

	private String patient(String theDeviceType, boolean theHeartFailure, String theRegion) {
		Patient patient = new Patient().addIdentifier(uniqueIdentifier());
		patient.addAddress().setState(theRegion).setCountry("AT");
		String id = stored(patient);
		stored(new Device().setType(new CodeableConcept(new Coding(Mdc.SYSTEM, theDeviceType, null))).setPatient(new Reference("Patient/" + id)));
		if (theHeartFailure) {
			stored(new Condition().setCode(new CodeableConcept(HEART_FAILURE.copy())).setSubject(new Reference("Patient/" + id)));
		}
		return id;
	}

	private Parameters information(String theIdentifier) {
		Parameters information = new Parameters();
		information.addParameter().setName("identifier").setValue(new StringType(theIdentifier + "-" + region));
		information.addParameter().setName("kind").setValue(new CodeType("clinical-trial"));
		information.addParameter().setName("title").setValue(new StringType("A study of ICD therapy in heart failure"));
		information.addParameter().setName("text").setValue(new StringType("A study near you is looking for people with an ICD and heart failure."));
		information.addParameter().setName("deviceType").setValue(new Coding(Mdc.SYSTEM, ICD, null));
		information.addParameter().setName("condition").setValue(HEART_FAILURE.copy());
		information.addParameter().setName("region").setValue(new StringType(region));
		return information;
	}

	private static Parameters publish(IGenericClient theCaller, Parameters theInformation) {
		return theCaller.operation().onServer().named("$publish-information").withParameters(theInformation).execute();
	}

	private static int integer(Parameters theAnswer, String theName) {
		return Integer.parseInt(((Type) theAnswer.getParameter(theName).getValue()).primitiveValue());
	}
}
