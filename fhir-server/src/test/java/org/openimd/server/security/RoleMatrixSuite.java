package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;

/**
 * Every role but the patient's (which {@link CrossPatientSuite} takes through every class at length)
 * tries the classes of request that once leaked towards patient B, whom none of them reaches: a
 * clinician inside A's care team and one outside any, a pharmacist and the pharmacy's system serving
 * A, a manufacturer, a reviewer with no assignment. Each runs on its own ({@link RoleMatrixIT}) and as
 * batch entries ({@link RoleMatrixInBatchIT}).
 */
abstract class RoleMatrixSuite extends BaseServerIT {

	private static final String PERSON_SCOPES = "openid fhirUser user/*.cruds";

	SmartAppLaunchIT.World world;
	String pharmacy;

	abstract FhirTransport transport();

	@BeforeEach
	void twoPatientsAndAPharmacyServingA() {
		world = SmartAppLaunchIT.twoPatients(client);
		pharmacy = "Organization/" + SmartAppLaunchIT.create(client, new Organization().setName("Pharmacy of A"));
		CareTeam served = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + world.patientA()));
		served.addParticipant().setMember(new Reference(pharmacy));
		SmartAppLaunchIT.create(client, served);
	}

	@Test
	void aClinicianInTheCareTeamOfA() throws Exception {
		assertNothingOfBReached("clinician of A", personToken(Role.CLINICIAN, "Practitioner/" + world.practitioner(), PERSON_SCOPES));
	}

	@Test
	void aClinicianOutsideEveryCareTeam() throws Exception {
		assertNothingOfBReached("clinician outside", personToken(Role.CLINICIAN, "Practitioner/" + newPractitioner(), PERSON_SCOPES));
	}

	@Test
	void aPharmacistServingA() throws Exception {
		assertNothingOfBReached("pharmacist", personToken(Role.PHARMACIST, null, pharmacy, PERSON_SCOPES));
	}

	@Test
	void thePharmacysSystem() throws Exception {
		assertNothingOfBReached("pharmacy system", TestClients.organisationSystemToken(baseUrl(), accessToken, "PHARMACIST", pharmacy, "system/*.cruds"));
	}

	@Test
	void aManufacturer() throws Exception {
		String maker = "Organization/" + SmartAppLaunchIT.create(client, new Organization().setName("Acme"));
		assertNothingOfBReached("manufacturer", personToken(Role.MANUFACTURER, null, maker, PERSON_SCOPES));
	}

	@Test
	void aReviewerWithNoAssignment() throws Exception {
		assertNothingOfBReached("reviewer", personToken(Role.REVIEWER, "Practitioner/" + newPractitioner(), PERSON_SCOPES));
	}

	private void assertNothingOfBReached(String theRole, String theToken) throws Exception {
		FhirTransport.Answer outOfReach = send(theToken, "GET", "/Observation/" + world.observationB(), null);
		FhirTransport.Answer absent = send(theToken, "GET", "/Observation/" + (Long.parseLong(world.observationB()) + 1_000_000), null);
		assertThat(outOfReach.status()).as(theRole + ": B's Observation answers as an absent one").isEqualTo(absent.status()).isIn(403, 404);
		assertThat(outOfReach.body()).as(theRole).doesNotContain("Beta");
		FhirTransport.Answer deviceOfB = send(theToken, "GET", "/Device/" + world.deviceB(), null);
		assertThat(deviceOfB.status()).as(theRole + ": B's device").isIn(403, 404);

		for (String disguised : List.of("/Observation?focus:Patient.given=Beta", "/Observation?subject.name=Beta", "/Device?patient.name=Beta",
				"/Patient?_has:Observation:patient:code=8867-4", "/Observation?_filter=subject%20eq%20Patient/" + world.patientB())) {
			FhirTransport.Answer answer = send(theToken, "GET", disguised, null);
			assertThat(answer.status()).as(theRole + ": " + disguised).isIn(400, 403);
		}
		assertThat(send(theToken, "GET", "/Device?patient=Patient/" + world.patientB(), null).status()).as(theRole + ": B's devices by name")
				.isIn(403, 404);
		assertThat(send(theToken, "GET", "/AuditEvent?patient=Patient/" + world.patientA(), null).status()).as(theRole + ": the audit trail")
				.isEqualTo(403);

		Identifier marker = uniqueIdentifier();
		Observation linkingB = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker);
		linkingB.addFocus(new Reference("Patient/" + world.patientB()));
		assertThat(send(theToken, "POST", "/Observation", linkingB).status()).as(theRole + ": a write that links B").isEqualTo(403);
		CareTeam selfGranted = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + world.patientB()));
		selfGranted.addParticipant().setMember(new Reference("Practitioner/" + world.practitioner()));
		assertThat(send(theToken, "POST", "/CareTeam", selfGranted).status()).as(theRole + ": a care team granting B").isEqualTo(403);
		assertThat(client.search().forResource(Observation.class).where(Observation.IDENTIFIER.exactly().systemAndCode(marker.getSystem(),
				marker.getValue())).returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry()).as(theRole).isEmpty();
		assertThat(client.search().forResource(CareTeam.class).where(CareTeam.PATIENT.hasId("Patient/" + world.patientB()))
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry()).as(theRole + ": B still has no care team").isEmpty();
	}

	private FhirTransport.Answer send(String theToken, String theMethod, String thePath, Resource theBody) throws Exception {
		return transport().send(fhirBase(), theToken, theMethod, thePath, theBody == null ? null : FHIR.newJsonParser().encodeResourceToString(theBody),
				FhirTransport.FHIR_JSON);
	}

	private String newPractitioner() {
		return SmartAppLaunchIT.create(client, new Practitioner().addIdentifier(uniqueIdentifier()));
	}
}
