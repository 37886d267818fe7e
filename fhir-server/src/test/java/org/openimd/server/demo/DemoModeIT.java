package org.openimd.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.ECKey;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.TestClients;
import org.openimd.server.security.AppAuthorization;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A server started with {@code --openimd.demo=true}, used as another tool would use it: only through
 * what {@code demo-credentials.json} says.
 */
class DemoModeIT extends DemoServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Autowired
	UserAccounts accounts;

	@Autowired
	DemoMode demoMode;

	@Test
	void theCredentialsFileDescribesOneUserOfEachRoleAndAClientOfEachKind() throws Exception {
		JsonNode credentials = credentials();

		// The address of the start that seeded the database: another demo-server test class may have started it on another port.
		assertThat(credentials.get("fhirBase").asText()).matches("http://localhost:\\d+/fhir");
		assertThat(credentials.get("users")).extracting(user -> user.get("role").asText())
				.containsExactlyInAnyOrder("patient", "clinician", "pharmacist", "manufacturer", "reviewer", "admin");
		assertThat(credentials.get("users")).allSatisfy(user -> {
			assertThat(user.get("password").asText()).hasSizeGreaterThanOrEqualTo(12);
			assertThat(user.get("totpSecret").asText()).matches("[A-Z2-7]{16,}=*");
		});
		assertThat(user(credentials, "patient").get("patient").asText()).matches("Patient/\\d+");
		assertThat(user(credentials, "clinician").get("practitioner").asText()).matches("Practitioner/\\d+");
		assertThat(user(credentials, "pharmacist").get("organization").asText()).matches("Organization/\\d+");
		assertThat(credentials.get("clients")).extracting(client -> client.get("clientId").asText() + " " + client.get("type").asText())
				.containsExactlyInAnyOrder("demo-public-app public", "demo-confidential-app confidential", "demo-backend backend",
						"demo-gateway backend", "demo-pharmacy-system backend", "demo-administration backend");
		assertThat(clientWithId(credentials, "demo-pharmacy-system").get("actsAs").asText()).isEqualTo("pharmacist");
		assertThat(clientWithId(credentials, "demo-pharmacy-system").get("organization").asText())
				.isEqualTo(user(credentials, "pharmacist").get("organization").asText());
		JsonNode backend = client(credentials, "backend");
		assertThat(backend.get("privateJwk").get("d")).as("the private part of the key").isNotNull();
		assertThat(backend.get("privateJwk").get("kid").asText()).isEqualTo(backend.get("jwksKid").asText());
		assertThat(client(credentials, "confidential").get("clientSecret").asText()).isNotBlank();
		JsonNode records = credentials.get("records");
		assertThat(records.get("patients")).hasSize(4).allSatisfy(patient -> assertThat(patient.asText()).matches("Patient/\\d+"));
		assertThat(records.get("patients").get(0).asText()).isEqualTo(user(credentials, "patient").get("patient").asText());
		assertThat(records.get("interrogations")).hasSize(4).allSatisfy(report -> assertThat(report.asText()).matches("DiagnosticReport/\\d+"));
		assertThat(records.get("ecgStrips")).hasSize(2).allSatisfy(strip -> assertThat(strip.asText()).matches("Observation/\\d+"));
		assertThat(records.get("pump").asText()).matches("Device/\\d+");
		assertThat(records.get("pumpOrder").asText()).matches("MedicationRequest/\\d+");
		assertThat(records.get("reviewGroup").asText()).matches("CareTeam/\\d+");
		// seeded after the guide's SearchParameters are active, so that they index it
		Device generator = (Device) client.search().byUrl("Device?patient=" + records.get("patients").get(0).asText()).returnBundle(Bundle.class)
				.execute().getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(device -> !((Device) device).hasParent())
				.findFirst().orElseThrow();
		assertThat(client.search().byUrl("Device?serial-number=" + generator.getSerialNumber()).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(generator.getIdElement().getIdPart());
		assertThat(client.search().byUrl("DiagnosticReport?device=Device/" + generator.getIdElement().getIdPart()).returnBundle(Bundle.class)
				.execute().getEntry()).hasSize(2);
		assertThat(Files.getPosixFilePermissions(DATA_DIRECTORY.resolve(DemoMode.CREDENTIALS_FILE)))
				.containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
	}

	@Test
	void theClinicianSignsInWithTheFileSeesOnlyTheTwoPatientsOfTheirCareTeamAndWritesForThem() throws Exception {
		JsonNode credentials = credentials();
		// One sign-in per test and person: an authenticator code works once.
		IGenericClient clinicianApp = signIn(credentials, "clinician", "openid fhirUser user/*.cruds");

		Bundle patients = clinicianApp.search().forResource(Patient.class).returnBundle(Bundle.class).execute();
		assertThat(patients.getEntry()).hasSize(2).anySatisfy(entry -> assertThat(entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.isEqualTo(user(credentials, "patient").get("patient").asText()));
		// interrogations only: a reviewer's analysis, which another demo-server test may have stored, is a DiagnosticReport too
		Bundle interrogations = clinicianApp.search().forResource(DiagnosticReport.class).returnBundle(Bundle.class).execute();
		assertThat(interrogations.getEntry()).filteredOn(entry -> entry.getResource().getMeta().hasProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE))
				.hasSize(4);
		Bundle ecgs = clinicianApp.search().forResource(Observation.class)
				.where(Observation.CODE.exactly().systemAndCode(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, OpenImdUris.ECG_STRIP)).returnBundle(Bundle.class).execute();
		assertThat(ecgs.getEntry()).as("two MIT-BIH strips and the 12-lead").hasSize(3);

		Observation heartRate = new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setSubject(new Reference(user(credentials, "patient").get("patient").asText()));
		heartRate.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
		assertThat(clinicianApp.create().resource(heartRate).execute().getCreated()).as("the demo app writes what a clinician writes").isTrue();
	}

	@Test
	void thePharmacistSeesThePumpAndItsOrderOfTheirPharmacysPatientAndNoOtherDevice() throws Exception {
		IGenericClient pharmacistApp = signIn(credentials(), "pharmacist");

		Bundle devices = pharmacistApp.search().forResource(Device.class).returnBundle(Bundle.class).execute();
		assertThat(devices.getEntry()).singleElement().satisfies(entry -> assertThat(((Device) entry.getResource()).getModelNumber())
				.isEqualTo("8637-20"));
		Bundle orders = pharmacistApp.search().forResource(MedicationRequest.class).returnBundle(Bundle.class).execute();
		assertThat(orders.getEntry()).singleElement().satisfies(entry -> assertThat(((MedicationRequest) entry.getResource())
				.getSupportingInformationFirstRep().getReference()).isEqualTo(devices.getEntryFirstRep().getResource().getIdElement()
						.toUnqualifiedVersionless().getValue()));
	}

	@Test
	void theManufacturerExportsItsDevicesDeidentified() throws Exception {
		IGenericClient manufacturerApp = signIn(credentials(), "manufacturer");

		Bundle export = manufacturerApp.operation().onServer().named("$manufacturer-export").withNoParameters(Parameters.class)
				.returnResourceType(Bundle.class).useHttpGet().execute();
		List<Device> devices = export.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(Device.class::isInstance)
				.map(Device.class::cast).toList();
		assertThat(devices).extracting(Device::getModelNumber).contains("8637-20").anySatisfy(model -> assertThat(model).startsWith("MDT-"));
		assertThat(devices).allSatisfy(device -> assertThat(device.hasSerialNumber()).isFalse());
	}

	@Test
	void eachDemoSystemDoesItsWork() throws Exception {
		JsonNode credentials = credentials();
		String gateway = systemToken(clientWithId(credentials, "demo-gateway"));
		String message = new IdcoMessageGenerator(IdcoTermTable.load(), "DEMOGW" + UUID.randomUUID().toString().substring(0, 4)).interrogation(1, 0);
		HttpResponse<String> ack = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hl7v2"))
				.header("Authorization", "Bearer " + gateway).header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE)
				.POST(HttpRequest.BodyPublishers.ofString(message, StandardCharsets.ISO_8859_1)).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(ack.body()).as("the gateway sends an interrogation").contains("MSA|AA|");
		assertThat(get("/ingest/messages?limit=1", gateway).statusCode()).as("and sees what became of it").isEqualTo(200);

		String administration = systemToken(clientWithId(credentials, "demo-administration"));
		HttpResponse<String> account = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/users"))
				.header("Authorization", "Bearer " + administration).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"demo-new-" + UUID.randomUUID() + "\",\"password\":\"a long enough password\","
						+ "\"role\":\"clinician\",\"fhirUser\":\"" + user(credentials, "clinician").get("practitioner").asText() + "\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(account.statusCode()).as("the administration tool creates an account: " + account.body()).isEqualTo(201);

		IGenericClient pharmacySystem = clientWith(systemToken(clientWithId(credentials, "demo-pharmacy-system")));
		assertThat(pharmacySystem.search().forResource(MedicationRequest.class).returnBundle(Bundle.class).execute().getEntry())
				.as("the pharmacy system reads its patient's pump order").hasSize(1);
		assertThat(get("/fhir/Observation", systemToken(clientWithId(credentials, "demo-pharmacy-system"))).statusCode())
				.as("and nothing of the cardiac record").isEqualTo(403);

		IGenericClient ehr = clientWith(systemToken(client(credentials, "backend")));
		Observation note = new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setSubject(new Reference(user(credentials, "patient").get("patient").asText()));
		note.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
		assertThat(ehr.create().resource(note).execute().getCreated()).as("the EHR backend writes").isTrue();
	}

	/** An access token of a demo system, earned with its key from the credentials file and asking for all its scopes. */
	private String systemToken(JsonNode theClient) throws Exception {
		ECKey key = ECKey.parse(theClient.get("privateJwk").toString());
		String assertion = TestClients.assertion(key, theClient.get("clientId").asText(), baseUrl() + "/oauth2/token", Duration.ofMinutes(1),
				UUID.randomUUID().toString());
		HttpResponse<String> response = TestClients.requestToken(baseUrl(), assertion, theClient.get("scopes").asText());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return JSON.readTree(response.body()).get("access_token").asText();
	}

	private HttpResponse<String> get(String thePath, String theToken) throws Exception {
		return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath)).header("Authorization", "Bearer " + theToken)
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static JsonNode clientWithId(JsonNode theCredentials, String theClientId) {
		for (JsonNode client : theCredentials.get("clients")) {
			if (client.get("clientId").asText().equals(theClientId)) {
				return client;
			}
		}
		throw new AssertionError("no client " + theClientId + " in the credentials file");
	}

	/** A demo user of {@code theRole} signs in to the public app with password and TOTP, as the credentials file says. */
	private IGenericClient signIn(JsonNode theCredentials, String theRole) throws Exception {
		return signIn(theCredentials, theRole, "openid fhirUser user/*.rs");
	}

	/** The same, asking for {@code theScopes}. */
	private IGenericClient signIn(JsonNode theCredentials, String theRole, String theScopes) throws Exception {
		JsonNode person = user(theCredentials, theRole);
		JsonNode app = client(theCredentials, "public");
		UserAccount account = accounts.find(person.get("username").asText()).orElseThrow();
		assertThat(account.totpSecret()).isEqualTo(person.get("totpSecret").asText());

		AppAuthorization flow = new AppAuthorization(baseUrl());
		flow.redirectUri = app.get("redirectUris").get(0).asText();
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(app.get("clientId").asText(), theScopes, Map.of()),
				account, person.get("password").asText());
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(app.get("clientId").asText(), null, redirect.get("code")));
		return clientWith(tokens.get("access_token").asText());
	}

	@Test
	void theBackendServiceGetsATokenWithItsEs384KeyFromTheFile() throws Exception {
		JsonNode credentials = credentials();
		JsonNode backend = client(credentials, "backend");
		ECKey key = ECKey.parse(backend.get("privateJwk").toString());
		assertThat(key.getKeyID()).isEqualTo(backend.get("jwksKid").asText());
		String assertion = TestClients.assertion(key, backend.get("clientId").asText(), baseUrl() + "/oauth2/token", Duration.ofMinutes(1),
				UUID.randomUUID().toString());

		HttpResponse<String> response = TestClients.requestToken(baseUrl(), assertion, backend.get("scopes").asText());

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		String patient = user(credentials, "patient").get("patient").asText();
		Patient read = clientWith(JSON.readTree(response.body()).get("access_token").asText()).read().resource(Patient.class)
				.withUrl(patient).execute();
		assertThat(read.getIdElement().toUnqualifiedVersionless().getValue()).isEqualTo(patient);
	}

	@Test
	void startingAgainInDemoModeChangesNothing() throws Exception {
		String before = Files.readString(DATA_DIRECTORY.resolve(DemoMode.CREDENTIALS_FILE));
		List<String> usersBefore = usernames();

		demoMode.run(null);

		assertThat(Files.readString(DATA_DIRECTORY.resolve(DemoMode.CREDENTIALS_FILE))).isEqualTo(before);
		assertThat(usernames()).isEqualTo(usersBefore);
	}

	private List<String> usernames() {
		List<String> names = new ArrayList<>();
		accounts.all().forEach(account -> names.add(account.username()));
		return names;
	}

	private static JsonNode client(JsonNode theCredentials, String theType) {
		for (JsonNode client : theCredentials.get("clients")) {
			if (client.get("type").asText().equals(theType)) {
				return client;
			}
		}
		throw new AssertionError("no " + theType + " client in the credentials file");
	}

	private IGenericClient clientWith(String theToken) {
		IGenericClient other = FHIR.newRestfulGenericClient(fhirBase());
		other.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return other;
	}
}
