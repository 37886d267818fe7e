package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.server.security.SmartAppLaunchIT.create;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.BulkDataClient;
import org.openimd.server.TestClients;
import org.openimd.server.pump.PumpInput;
import org.openimd.server.security.login.Role;

/**
 * FHIR Bulk Data Access through HAPI's export job, behind the gate: a system exports what its
 * {@code system/} scopes read; a system acting for an organisation, only its patients (a pharmacy's,
 * their pump data); a job's status, cancellation and files are the asking client's alone; persons and
 * tokens without a reading scope export nothing, alone or inside a batch.
 */
class BulkExportIT extends BaseServerIT {

	private BulkDataClient bulk;

	String manufacturer;
	SmartAppLaunchIT.World world;

	@BeforeEach
	void twoPatientsWithDevicesOfOneManufacturer() {
		bulk = new BulkDataClient(fhirBase());
		world = SmartAppLaunchIT.twoPatients(client);
		manufacturer = "export-test-" + UUID.randomUUID();
		for (String patient : List.of(world.patientA(), world.patientB())) {
			create(client, new Device().setManufacturer(manufacturer).setPatient(new Reference("Patient/" + patient)));
		}
	}

	@Test
	void aSystemExportsWhatItsScopesReadAndItsJobAndFilesAreItsOwn() throws Exception {
		HttpResponse<String> kickOff = bulk.kickOff(accessToken, "$export?_type=Device&_typeFilter=" + encoded("Device?manufacturer=" + manufacturer));
		assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
		String status = kickOff.headers().firstValue("Content-Location").orElseThrow();

		JsonNode manifest = bulk.manifestOnceDone(accessToken, status);
		assertThat(manifest.get("requiresAccessToken").asBoolean()).isTrue();
		List<IBaseResource> devices = bulk.filesOfType(accessToken, manifest, "Device");
		assertThat(devices).hasSize(2).allSatisfy(device -> assertThat(((Device) device).getManufacturer()).isEqualTo(manufacturer));
		// each patient's data in the file fetched is a disclosure to this client, on the audit trail
		String fileFetched = manifest.get("output").get(0).get("url").asText();
		List<AuditEvent> disclosures = auditEventsEventually("entity=Patient/" + world.patientA() + "&type=http://dicom.nema.org/resources/ontology/DCM|110106",
				event -> event.hasOutcomeDesc() && event.getOutcomeDesc().contains(fileFetched.substring(fileFetched.indexOf("Binary/"))));
		assertThat(disclosures).singleElement().satisfies(event -> {
			assertThat(event.getEntity()).extracting(entity -> entity.getWhat().getReference()).contains("Patient/" + world.patientA())
					.doesNotContain("Patient/" + world.patientB());
			assertThat(event.getAgent()).extracting(agent -> agent.getWho().getIdentifier().getValue()).contains(TestClients.FULL_ACCESS);
		});

		// another system, which reads Device too, neither sees the job nor reads its files
		String other = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(bulk.send(other, HttpRequest.newBuilder(URI.create(status)).GET()).statusCode()).isEqualTo(403);
		assertThat(bulk.send(other, HttpRequest.newBuilder(URI.create(status)).DELETE()).statusCode()).isEqualTo(403);
		String file = manifest.get("output").get(0).get("url").asText();
		assertThat(bulk.send(other, HttpRequest.newBuilder(URI.create(file)).GET()).statusCode()).isEqualTo(404);
		// nor does anyone without a token
		assertThat(bulk.send(null, HttpRequest.newBuilder(URI.create(file)).GET()).statusCode()).isEqualTo(401);
		assertThat(bulk.send(null, HttpRequest.newBuilder(URI.create(status)).GET()).statusCode()).isEqualTo(401);

		// and inside a batch, someone else's entries are refused the same way
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(status.substring(status.indexOf("$export-poll-status")));
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(file.substring(file.indexOf("Binary/")));
		String clinician = personToken(Role.CLINICIAN, "Practitioner/" + world.practitioner(), "user/*.cruds");
		Bundle answers = as(clinician).transaction().withBundle(batch).execute();
		assertThat(answers.getEntry()).extracting(entry -> entry.getResponse().getStatus()).allSatisfy(
				answer -> assertThat(answer).matches("40[34].*"));
	}

	@Test
	void withoutTypesASystemGetsTheTypesItReadsAndNamingOthersIsRefused() throws Exception {
		String deviceReader = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);

		assertThat(bulk.kickOff(deviceReader, "$export?_type=Device,Observation").statusCode()).isEqualTo(403);
		assertThat(bulk.kickOff(deviceReader, "$export?_type=AuditEvent").statusCode()).isEqualTo(403);

		HttpResponse<String> narrowed = bulk.kickOff(deviceReader, "$export?_typeFilter=" + encoded("Device?manufacturer=" + manufacturer));
		assertThat(narrowed.statusCode()).as(narrowed.body()).isEqualTo(202);
		JsonNode manifest = bulk.manifestOnceDone(deviceReader, narrowed.headers().firstValue("Content-Location").orElseThrow());
		assertThat(manifest.get("output")).extracting(output -> output.get("type").asText()).containsOnly("Device");
		assertThat(bulk.filesOfType(deviceReader, manifest, "Device")).hasSize(2);
	}

	@Test
	void aGroupsExportHoldsItsMembersDataForASystemThatReadsGroups() throws Exception {
		String onlyA = create(client, group(world.patientA()));

		HttpResponse<String> kickOff = bulk.kickOff(accessToken, "Group/" + onlyA + "/$export?_type=Patient,Device");
		assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
		JsonNode manifest = bulk.manifestOnceDone(accessToken, kickOff.headers().firstValue("Content-Location").orElseThrow());
		assertThat(bulk.filesOfType(accessToken, manifest, "Patient")).extracting(patient -> patient.getIdElement().getIdPart())
				.containsExactly(world.patientA());
		assertThat(bulk.filesOfType(accessToken, manifest, "Device"))
				.allSatisfy(device -> assertThat(((Device) device).getPatient().getReferenceElement().getIdPart()).isEqualTo(world.patientA()))
				.hasSize(2);

		String deviceReader = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(bulk.kickOff(deviceReader, "Group/" + onlyA + "/$export?_type=Device").statusCode()).as("no scope reads Group").isEqualTo(404);
	}

	@Test
	void sinceLeavesOutWhatHasNotChangedSince() throws Exception {
		String filter = "&_typeFilter=" + encoded("Device?manufacturer=" + manufacturer);
		HttpResponse<String> everything = bulk.kickOff(accessToken, "$export?_type=Device" + filter);
		assertThat(bulk.filesOfType(accessToken, bulk.manifestOnceDone(accessToken, everything.headers().firstValue("Content-Location").orElseThrow()),
				"Device")).hasSize(2);

		String tomorrow = encoded(OffsetDateTime.now().plusDays(1).toString());
		HttpResponse<String> since = bulk.kickOff(accessToken, "$export?_type=Device&_since=" + tomorrow + filter);
		assertThat(since.statusCode()).as(since.body()).isEqualTo(202);
		assertThat(bulk.filesOfType(accessToken, bulk.manifestOnceDone(accessToken, since.headers().firstValue("Content-Location").orElseThrow()),
				"Device")).isEmpty();
	}

	@Test
	void aCancelledJobIsGone() throws Exception {
		HttpResponse<String> kickOff = bulk.kickOff(accessToken, "$export?_type=Patient,Observation,Device");
		String status = kickOff.headers().firstValue("Content-Location").orElseThrow();

		HttpResponse<String> cancelled = bulk.send(accessToken, HttpRequest.newBuilder(URI.create(status)).DELETE());
		assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
		assertThat(bulk.send(accessToken, HttpRequest.newBuilder(URI.create(status)).GET()).statusCode()).isEqualTo(404);
	}

	@Test
	void aMalformedTypeFilterIsRefusedAtKickOff() throws Exception {
		HttpResponse<String> kickOff = bulk.kickOff(accessToken, "$export?_type=Device&_typeFilter=" + encoded("Device?manufacturer=two words"));
		assertThat(kickOff.statusCode()).isEqualTo(400);
		assertThat(kickOff.body()).contains("_typeFilter");
	}

	@Test
	void personsDoNotBulkExport() throws Exception {
		String clinician = personToken(Role.CLINICIAN, "Practitioner/" + world.practitioner(), "user/*.rs");

		assertThat(bulk.kickOff(clinician, "$export?_type=Device").statusCode()).isEqualTo(403);
		assertThat(bulk.kickOff(clinician, "Patient/$export").statusCode()).isEqualTo(403);
		assertThat(bulk.kickOff(clinician, "Patient/" + world.patientA() + "/$export").statusCode()).isIn(403, 404);
		assertThat(bulk.kickOff(null, "$export?_type=Device").statusCode()).isEqualTo(401);
	}

	@Test
	void aPharmacysSystemExportsItsPatientsPumpDataOnly() throws Exception {
		String pharmacy = create(client, new Organization().setName("Exporting pharmacy"));
		PharmacyIT.servedBy(client, world.patientA(), pharmacy);
		String pump = create(client, PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + world.patientA())));
		String pharmacySystem = TestClients.organisationSystemToken(baseUrl(), accessToken, "PHARMACIST", "Organization/" + pharmacy,
				"system/*.rs");

		assertThat(bulk.kickOff(pharmacySystem, "$export?_type=Device").statusCode()).as("a system-wide export").isEqualTo(403);
		assertThat(bulk.kickOff(pharmacySystem, "Patient/" + world.patientB() + "/$export").statusCode()).as("another pharmacy's patient")
				.isIn(403, 404);
		String onlyTheirs = create(client, group(world.patientA()));
		assertThat(bulk.kickOff(pharmacySystem, "Group/" + onlyTheirs + "/$export").statusCode()).as("a group: its policy reads no Group")
				.isEqualTo(404);

		HttpResponse<String> kickOff = bulk.kickOff(pharmacySystem, "Patient/$export?_type=Patient,Device,Observation");
		assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(403);
		kickOff = bulk.kickOff(pharmacySystem, "Patient/$export?_type=Patient,Device");
		assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
		JsonNode manifest = bulk.manifestOnceDone(pharmacySystem, kickOff.headers().firstValue("Content-Location").orElseThrow());
		assertThat(bulk.filesOfType(pharmacySystem, manifest, "Patient")).extracting(patient -> patient.getIdElement().getIdPart())
				.containsExactly(world.patientA());
		assertThat(bulk.filesOfType(pharmacySystem, manifest, "Device")).extracting(device -> device.getIdElement().getIdPart())
				.containsExactly(pump);
	}

	private static Group group(String... thePatients) {
		Group group = new Group().setType(Group.GroupType.PERSON).setActual(true);
		for (String patient : thePatients) {
			group.addMember().setEntity(new Reference("Patient/" + patient));
		}
		return group;
	}

	private static String encoded(String theValue) {
		return URLEncoder.encode(theValue, StandardCharsets.UTF_8);
	}
}
