package org.openimd.server.advisories;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;

/**
 * A manufacturer's advisory reaches the patients and clinics it concerns, and only them: the implanted
 * devices of that manufacturer it names by model and serial range, not the same model of another
 * maker; each clinic checks, each patient acknowledges, the manufacturer follows how far it got; a
 * changed advisory changes the affected set. Manufacturers publish for their own devices only.
 */
class AdvisoriesIT extends BaseServerIT {

	private static final String PATIENT_SCOPES = "openid fhirUser launch/patient patient/*.cruds";
	private static final String CLINICIAN_SCOPES = "openid fhirUser user/*.cruds";

	String acme;
	String other;
	String patientA;
	String patientB;
	String patientC;
	String deviceA;
	String deviceB;
	String deviceC;
	String practitionerOfA;
	String model;

	@BeforeEach
	void fourPatientsWithDevicesOfOneModelFromTwoMakers() {
		acme = stored(new Organization().setName("Acme Rhythm " + UUID.randomUUID()));
		other = stored(new Organization().setName("Other Rhythm " + UUID.randomUUID()));
		String acmeName = client.read().resource(Organization.class).withId(acme).execute().getName();
		String otherName = client.read().resource(Organization.class).withId(other).execute().getName();
		model = "X1-" + UUID.randomUUID().toString().substring(0, 8);
		patientA = stored(new Patient().addIdentifier(uniqueIdentifier()));
		patientB = stored(new Patient().addIdentifier(uniqueIdentifier()));
		patientC = stored(new Patient().addIdentifier(uniqueIdentifier()));
		String patientD = stored(new Patient().addIdentifier(uniqueIdentifier()));
		deviceA = stored(implanted(acmeName, "PJN100010", patientA));
		deviceB = stored(implanted(acmeName, "PJN100500", patientB));
		deviceC = stored(implanted(acmeName, "PJN200000", patientC));
		stored(implanted(otherName, "PJN100020", patientD));
		practitionerOfA = stored(new Practitioner().addIdentifier(uniqueIdentifier()));
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + patientA));
		stored(team.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference("Practitioner/" + practitionerOfA))));
	}

	@Test
	void anAdvisoryReachesTheClinicsAndPatientsOfTheDevicesItNamesAndFollowsTheirAnswers() throws Exception {
		IGenericClient manufacturer = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs"));

		Parameters published = publish(manufacturer, notice("FSN-1", "PJN100000", "PJN199999"));
		assertThat(integer(published, "affected")).isEqualTo(2);
		assertThat(integer(published, "newlyAffected")).isEqualTo(2);
		String advisory = ((Reference) published.getParameter("advisory").getValue()).getReference();

		// the clinic of A has its check, for A's device, due when the notice says
		IGenericClient clinicianOfA = as(personToken(Role.CLINICIAN, "Practitioner/" + practitionerOfA, CLINICIAN_SCOPES));
		Task check = single(clinicianOfA.search().forResource(Task.class).where(Task.PATIENT.hasId("Patient/" + patientA))
				.and(Task.CODE.exactly().systemAndCode(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.ADVISORY_CHECK)).returnBundle(Bundle.class).execute(),
				Task.class);
		assertThat(check.getFocus().getReference()).isEqualTo("Device/" + deviceA);
		assertThat(check.getDescription()).contains("Check the battery");
		assertThat(check.getRestriction().getPeriod().getEndElement().getValueAsString()).startsWith("2027-01-31");
		assertThat(refusal(() -> clinicianOfA.search().forResource(Task.class).where(Task.PATIENT.hasId("Patient/" + patientB))
				.returnBundle(Bundle.class).execute())).as("another clinic's check").isEqualTo(403);

		// patient A is told in plain language, and says they have read it
		IGenericClient patient = as(personToken(Role.PATIENT, "Patient/" + patientA, PATIENT_SCOPES));
		Communication notice = single(patient.search().forResource(Communication.class)
				.where(Communication.CATEGORY.exactly().systemAndCode(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.ADVISORY_NOTICE))
				.returnBundle(Bundle.class).execute(), Communication.class);
		assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("your pacemaker");
		patient.update().resource(notice.setReceived(new Date())).execute();

		// the clinic does its check
		clinicianOfA.update().resource(check.setStatus(Task.TaskStatus.COMPLETED)).execute();
		Parameters followed = advisoryStatus(manufacturer, advisory);
		assertThat(integer(followed, "affected")).isEqualTo(2);
		assertThat(integer(followed, "acknowledged")).isEqualTo(1);
		assertThat(integer(followed, "checksCompleted")).isEqualTo(1);
		assertThat(integer(followed, "checksOpen")).isEqualTo(1);

		// the advisory widens to C's device, then narrows to A's alone: B's open check is withdrawn
		Parameters widened = publish(manufacturer, notice("FSN-1", "PJN100000", "PJN299999"));
		assertThat(integer(widened, "affected")).isEqualTo(3);
		assertThat(integer(widened, "newlyAffected")).isEqualTo(1);
		Parameters narrowed = publish(manufacturer, noticeFor("FSN-1", List.of("PJN100010")));
		assertThat(integer(narrowed, "affected")).isEqualTo(1);
		assertThat(integer(narrowed, "noLongerAffected")).isEqualTo(2);
		assertThat(client.search().forResource(Task.class).where(Task.PATIENT.hasId("Patient/" + patientB)).returnBundle(Bundle.class).execute()
				.getEntry()).extracting(entry -> ((Task) entry.getResource()).getStatus()).containsExactly(Task.TaskStatus.CANCELLED);
		assertThat(client.read().resource(Task.class).withId(check.getIdElement().toUnqualifiedVersionless()).execute().getStatus())
				.as("a check done stays done").isEqualTo(Task.TaskStatus.COMPLETED);
	}

	@Test
	void aManufacturerPublishesForItsOwnDevicesOnlyAndNobodyElseButAdministratorsPublishesAtAll() throws Exception {
		IGenericClient acmeSystem = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs"));
		IGenericClient otherSystem = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + other,
				"system/Device.rs"));

		Parameters forOther = notice("FSN-2", "PJN100000", "PJN199999");
		forOther.addParameter().setName("manufacturer").setValue(new Reference("Organization/" + other));
		assertThat(refusal(() -> publish(acmeSystem, forOther))).isEqualTo(403);
		String advisory = ((Reference) publish(acmeSystem, notice("FSN-3", "PJN100000", "PJN199999")).getParameter("advisory").getValue())
				.getReference();
		assertThat(refusal(() -> advisoryStatus(otherSystem, advisory))).as("another manufacturer's advisory").isEqualTo(404);

		IGenericClient clinician = as(personToken(Role.CLINICIAN, "Practitioner/" + practitionerOfA, CLINICIAN_SCOPES));
		IGenericClient patient = as(personToken(Role.PATIENT, "Patient/" + patientA, PATIENT_SCOPES));
		assertThat(refusal(() -> publish(clinician, notice("FSN-4", "PJN100000", "PJN199999")))).isEqualTo(403);
		assertThat(refusal(() -> publish(patient, notice("FSN-4", "PJN100000", "PJN199999")))).isEqualTo(403);
		assertThat(refusal(() -> publish(client, notice("FSN-4", "PJN100000", "PJN199999")))).as("a system for nobody").isEqualTo(403);
		assertThat(refusal(() -> advisoryStatus(clinician, advisory))).isEqualTo(404);
		assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/$publish-advisory"))
				.header("Content-Type", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(
						FHIR.newJsonParser().encodeResourceToString(notice("FSN-4", "PJN100000", "PJN199999")))).build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
		// operations are no batch entries: HAPI refuses the whole batch, the Parameters of a publication or the URL of a status
		Bundle publishing = new Bundle().setType(Bundle.BundleType.BATCH);
		publishing.addEntry().setResource(notice("FSN-4", "PJN100000", "PJN199999")).getRequest().setMethod(Bundle.HTTPVerb.POST)
				.setUrl("$publish-advisory");
		assertThat(refusal(() -> clinician.transaction().withBundle(publishing).execute())).isEqualTo(400);
		Bundle following = new Bundle().setType(Bundle.BundleType.BATCH);
		following.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(advisory + "/$advisory-status");
		assertThat(refusal(() -> clinician.transaction().withBundle(following).execute())).isEqualTo(400);
		assertThat(client.search().forResource(Communication.class).where(Communication.IDENTIFIER.exactly()
				.systemAndCode(OpenImdUris.ADVISORY_IDENTIFIER, "Organization/" + acme + "/FSN-4")).returnBundle(Bundle.class).execute().getEntry())
				.as("no refused publication wrote anything").isEmpty();

		// an administrator names the manufacturer
		String administrator = personToken(Role.ADMIN, null, "user/*.rs");
		Parameters byAdministrator = notice("FSN-5", "PJN100000", "PJN199999");
		byAdministrator.addParameter().setName("manufacturer").setValue(new Reference("Organization/" + other));
		assertThat(integer(publish(as(administrator), byAdministrator), "affected")).as("Other's one device of the model").isEqualTo(1);
	}

	@Test
	void aMalformedAdvisoryIsRefusedAndWritesNothing() throws Exception {
		IGenericClient acmeSystem = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs"));
		Parameters untitled = notice("FSN-6", "PJN100000", "PJN199999");
		untitled.getParameter().removeIf(parameter -> parameter.getName().equals("title"));
		Parameters backwards = notice("FSN-6", "PJN199999", "PJN100000");

		assertThat(refusal(() -> publish(acmeSystem, untitled))).isEqualTo(400);
		assertThat(refusal(() -> publish(acmeSystem, backwards))).isEqualTo(400);
		assertThat(client.search().forResource(Task.class).where(Task.PATIENT.hasId("Patient/" + patientA)).returnBundle(Bundle.class).execute()
				.getEntry()).isEmpty();
		assertThat(client.search().forResource(Communication.class).where(Communication.IDENTIFIER.exactly()
				.systemAndCode(OpenImdUris.ADVISORY_IDENTIFIER, "Organization/" + acme + "/FSN-6")).returnBundle(Bundle.class).execute().getEntry())
				.isEmpty();
	}

	private Device implanted(String theManufacturer, String theSerial, String thePatient) {
		return new Device().setManufacturer(theManufacturer).setModelNumber(model).setSerialNumber(theSerial)
				.setStatus(Device.FHIRDeviceStatus.ACTIVE).setPatient(new Reference("Patient/" + thePatient));
	}

	private Parameters notice(String theIdentifier, String theSerialFrom, String theSerialTo) {
		Parameters notice = header(theIdentifier);
		Parameters.ParametersParameterComponent device = notice.addParameter().setName("device");
		device.addPart().setName("model").setValue(new StringType(model));
		device.addPart().setName("serialFrom").setValue(new StringType(theSerialFrom));
		device.addPart().setName("serialTo").setValue(new StringType(theSerialTo));
		return notice;
	}

	private Parameters noticeFor(String theIdentifier, List<String> theSerials) {
		Parameters notice = header(theIdentifier);
		Parameters.ParametersParameterComponent device = notice.addParameter().setName("device");
		device.addPart().setName("model").setValue(new StringType(model));
		theSerials.forEach(serial -> device.addPart().setName("serial").setValue(new StringType(serial)));
		return notice;
	}

	private static Parameters header(String theIdentifier) {
		Parameters notice = new Parameters();
		notice.addParameter().setName("identifier").setValue(new StringType(theIdentifier));
		notice.addParameter().setName("title").setValue(new StringType("Early battery depletion"));
		notice.addParameter().setName("patientText").setValue(new StringType(
				"The battery of your pacemaker may run down sooner than expected. Your clinic will check it; you need do nothing else."));
		notice.addParameter().setName("clinicAction").setValue(new StringType("Check the battery voltage at the next remote transmission."));
		notice.addParameter().setName("dueDate").setValue(new DateType("2027-01-31"));
		return notice;
	}

	private static Parameters publish(IGenericClient theCaller, Parameters theNotice) {
		return theCaller.operation().onServer().named("$publish-advisory").withParameters(theNotice).execute();
	}

	private static Parameters advisoryStatus(IGenericClient theCaller, String theAdvisory) {
		return theCaller.operation().onInstance(new IdType(theAdvisory)).named("$advisory-status").withNoParameters(Parameters.class)
				.useHttpGet().execute();
	}

	private static int integer(Parameters theAnswer, String theName) {
		return Integer.parseInt(((Type) theAnswer.getParameter(theName).getValue()).primitiveValue());
	}
}
