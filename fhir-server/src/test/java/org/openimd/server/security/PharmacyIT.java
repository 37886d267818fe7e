package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.server.security.SmartAppLaunchIT.assertThatForbidden;
import static org.openimd.server.security.SmartAppLaunchIT.create;

import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.pump.PumpInput;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Two pharmacies, each serving one patient (a CareTeam lists the pharmacy). A pharmacist of the
 * first, and the first pharmacy's system (registered to act for it), reach the pump prescriptions and
 * pump of the first pharmacy's patient only: not the patient's other devices or prescriptions, and
 * nothing else of that patient's record.
 */
class PharmacyIT extends BaseServerIT {

	@Autowired
	UserAccounts accounts;

	SmartAppLaunchIT.World world;
	String pharmacy;
	String pumpOfA;
	String prescriptionOfA;
	String oralPrescriptionOfA;
	String prescriptionOfB;

	@BeforeEach
	void twoPharmaciesEachServingOnePatient() {
		world = SmartAppLaunchIT.twoPatients(client);
		pharmacy = create(client, new Organization().setName("Pharmacy of A"));
		String otherPharmacy = create(client, new Organization().setName("Pharmacy of B"));
		servedBy(client, world.patientA(), pharmacy);
		servedBy(client, world.patientB(), otherPharmacy);
		pumpOfA = create(client, PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + world.patientA())));
		String pumpOfB = create(client, PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + world.patientB())));
		prescriptionOfA = create(client, morphine().order(world.patientA(), pumpOfA));
		prescriptionOfB = create(client, morphine().order(world.patientB(), pumpOfB));
		oralPrescriptionOfA = create(client, oralPrescription(world.patientA()));
	}

	@Test
	void aPharmacistReachesTheirPharmacysPatientsPumpDataOnly() throws Exception {
		UserAccount pharmacist = accounts.create("it-pharmacist-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PHARMACIST,
				Optional.empty(), Optional.of("Organization/" + pharmacy));
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "user/*.rs", Map.of()), pharmacist,
				SmartAppLaunchIT.PASSWORD);
		String token = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code"))).get("access_token").asText();

		assertReachesPumpDataOfAOnly(clientWith(token));
	}

	@Test
	void thePharmacySystemIsHeldToThePharmacysPolicy() throws Exception {
		IGenericClient pharmacySystem = clientWith(TestClients.organisationSystemToken(baseUrl(), accessToken, "PHARMACIST", "Organization/" + pharmacy,
				"system/*.rs"));

		assertReachesPumpDataOfAOnly(pharmacySystem);
		assertThatForbidden(() -> pharmacySystem.search().forResource(org.hl7.fhir.r4.model.Patient.class)
				.whereMap(Map.of("_has:MedicationRequest:subject:status", List.of("active"))).returnBundle(Bundle.class).execute());
	}

	@Test
	void typedScopesDoNotWidenAPharmacistsRoleOnAnyPath() throws Exception {
		UserAccount pharmacist = accounts.create("it-pharmacist-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PHARMACIST,
				Optional.empty(), Optional.of("Organization/" + pharmacy));
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP,
				"user/Patient.rs user/Device.rs user/Observation.crs user/DiagnosticReport.rs", Map.of()), pharmacist, SmartAppLaunchIT.PASSWORD);
		IGenericClient caller = clientWith(AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code")))
				.get("access_token").asText());

		Bundle everything = caller.operation().onInstance(new IdType("Patient", world.patientA())).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();
		assertThat(everything.getEntry()).extracting(entry -> entry.getResource().fhirType()).contains("Patient", "Device")
				.doesNotContain("Observation", "DiagnosticReport", "MedicationRequest");
		assertThat(everything.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).doesNotContain(world.deviceA());
		assertThatForbidden(() -> caller.read().resource(Observation.class).withId(world.observationA()).execute());
		assertThatForbidden(() -> caller.search().forResource(Observation.class).returnBundle(Bundle.class).execute());
		assertThatForbidden(() -> caller.create().resource(SmartAppLaunchIT.vitalSign(world.patientA())).execute());
		assertThat(caller.search().forResource(Patient.class).revInclude(Observation.INCLUDE_SUBJECT).returnBundle(Bundle.class).execute()
				.getEntry()).extracting(entry -> entry.getResource().fhirType()).containsOnly("Patient");

		Bundle counted = caller.search().forResource(Device.class).summaryMode(SummaryEnum.COUNT).returnBundle(Bundle.class).execute();
		assertThat(counted.hasTotal()).as("the database counts the pacemaker the pharmacist may not see: no total, not a wrong one").isFalse();
		assertThat(caller.search().forResource(Device.class).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(pumpOfA);
	}

	private void assertReachesPumpDataOfAOnly(IGenericClient theCaller) {
		Bundle prescriptions = theCaller.search().forResource(MedicationRequest.class).returnBundle(Bundle.class).execute();
		assertThat(prescriptions.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(prescriptionOfA);
		Bundle devices = theCaller.search().forResource(Device.class).returnBundle(Bundle.class).execute();
		assertThat(devices.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(pumpOfA);
		assertThat(theCaller.read().resource(Device.class).withId(pumpOfA).execute().getIdElement().getIdPart()).isEqualTo(pumpOfA);
		assertThatForbidden(() -> theCaller.read().resource(Device.class).withId(world.deviceA()).execute());
		assertThatForbidden(() -> theCaller.read().resource(MedicationRequest.class).withId(oralPrescriptionOfA).execute());
		assertThatForbidden(() -> theCaller.read().resource(MedicationRequest.class).withId(prescriptionOfB).execute());
		assertThatForbidden(() -> theCaller.read().resource(Device.class).withId(world.deviceB()).execute());
		assertThatForbidden(() -> theCaller.read().resource(Observation.class).withId(world.observationA()).execute());
		assertThatForbidden(() -> theCaller.search().forResource(Observation.class).returnBundle(Bundle.class).execute());
		assertThatForbidden(() -> theCaller.search().forResource(MedicationRequest.class)
				.where(MedicationRequest.SUBJECT.hasId("Patient/" + world.patientB())).returnBundle(Bundle.class).execute());
	}

	/** An active CareTeam of {@code thePatient} that lists {@code thePharmacy}: the pharmacy serves them. */
	static void servedBy(IGenericClient theClient, String thePatient, String thePharmacy) {
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + thePatient));
		team.addParticipant().setMember(new Reference("Organization/" + thePharmacy));
		create(theClient, team);
	}

	private static PumpInput morphine() {
		return PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
	}

	/** An order that is no pump's: the pharmacy does not serve it. */
	private static MedicationRequest oralPrescription(String thePatient) {
		MedicationRequest prescription = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setSubject(new Reference("Patient/" + thePatient));
		prescription.getMedicationCodeableConcept().setText("morphine sulfate 10 mg tablets, by mouth");
		return prescription;
	}

	private IGenericClient clientWith(String theToken) {
		IGenericClient caller = FHIR.newRestfulGenericClient(fhirBase());
		caller.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return caller;
	}
}
