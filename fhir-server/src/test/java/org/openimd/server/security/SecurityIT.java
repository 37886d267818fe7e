package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;

/** SMART Backend Services and deny-by-default, seen from outside, as a system integrator meets them. */
class SecurityIT extends BaseServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private final HttpClient myHttp = HttpClient.newHttpClient();

	@Test
	void discoveryIsPublicJsonWithAbsoluteUrlsAndS256Only() throws Exception {
		// as a browser app on any origin asks for it
		HttpResponse<String> response = myHttp.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/.well-known/smart-configuration"))
				.header("Accept", "text/html").header("Origin", "https://any-app.example").build(), HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
		assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
		JsonNode configuration = JSON.readTree(response.body());
		assertThat(configuration.get("token_endpoint").asText()).isEqualTo(baseUrl() + "/oauth2/token");
		assertThat(configuration.get("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
		assertThat(configuration.get("grant_types_supported").toString()).contains("client_credentials");
		assertThat(configuration.get("token_endpoint_auth_signing_alg_values_supported").toString()).contains("RS384", "ES384");
		assertThat(configuration.get("capabilities").toString()).contains("client-confidential-asymmetric", "permission-v2");
	}

	@Test
	void capabilityStatementDeclaresSmartOnFhirWithItsOAuthEndpoints() throws Exception {
		JsonNode metadata = JSON.readTree(send(HttpRequest.newBuilder(URI.create(fhirBase() + "/metadata"))
				.header("Accept", "application/fhir+json"), null).body());

		JsonNode security = metadata.get("rest").get(0).get("security");
		assertThat(security.get("service").get(0).get("coding").get(0).get("code").asText()).isEqualTo("SMART-on-FHIR");
		JsonNode oauthUris = security.get("extension").get(0);
		assertThat(oauthUris.get("url").asText()).isEqualTo("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
		assertThat(oauthUris.get("extension").toString()).contains(baseUrl() + "/oauth2/token", baseUrl() + "/oauth2/revoke");
	}

	@Test
	void withoutATokenNothingButDiscoveryHealthAndCapabilitiesAnswers() throws Exception {
		for (String path : new String[] {"/fhir/Patient", "/fhir/Device/1", "/ingest/messages", "/actuator/prometheus", "/anything-else"}) {
			HttpResponse<String> response = myHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).get().asString().startsWith("Bearer");
		}
		assertThat(get("/fhir/metadata", null).statusCode()).isEqualTo(200);
		assertThat(get("/actuator/health/readiness", null).statusCode()).isEqualTo(200);
		HttpResponse<String> hl7v2 = myHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hl7v2"))
				.header("Content-Type", "x-application/hl7-v2+er7").POST(HttpRequest.BodyPublishers.ofString("MSH|^~\\&|X")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(hl7v2.statusCode()).isEqualTo(401);
	}

	@Test
	void aForgedOrUnsignedTokenIsRefused() throws Exception {
		String unsigned = accessToken.substring(0, accessToken.lastIndexOf('.') + 1);
		String tampered = accessToken.substring(0, accessToken.length() - 4) + "AAAA";

		assertThat(get("/fhir/Patient", unsigned).statusCode()).isEqualTo(401);
		assertThat(get("/fhir/Patient", tampered).statusCode()).isEqualTo(401);
		assertThat(get("/fhir/Patient", "not-a-jwt").statusCode()).isEqualTo(401);
	}

	@Test
	void aSystemScopeGrantsItsTypeAndInteractionsOnly() throws Exception {
		String deviceReader = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);

		assertThat(get("/fhir/Device?_count=1", deviceReader).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient?_count=1", deviceReader).statusCode()).as("another type").isEqualTo(403);
		assertThat(get("/fhir/Observation?_count=1", deviceReader).statusCode()).as("another type").isEqualTo(403);
		assertThat(send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Device")).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Device\"}")), deviceReader).statusCode())
				.as("a write").isEqualTo(403);
		assertThat(send(HttpRequest.newBuilder(URI.create(fhirBase())).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
						+ "{\"resourceType\":\"Device\"},\"request\":{\"method\":\"POST\",\"url\":\"Device\"}}]}")), deviceReader).statusCode())
				.as("a transaction").isEqualTo(403);
		assertThat(get("/ingest/messages", deviceReader).statusCode()).as("ingest administration").isEqualTo(403);
		assertThat(get("/actuator/prometheus", deviceReader).statusCode()).as("operations").isEqualTo(403);
		assertThat(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hl7v2")).header("Content-Type", "x-application/hl7-v2+er7")
				.POST(HttpRequest.BodyPublishers.ofString("MSH|^~\\&|X")), deviceReader).statusCode()).as("sending HL7 v2").isEqualTo(403);
	}

	@Test
	void tokenResponseIsShortLivedUncachedAndWithoutRefreshToken() throws Exception {
		HttpResponse<String> response = TestClients.requestToken(baseUrl(),
				TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(), Duration.ofMinutes(1), UUID.randomUUID().toString()),
				TestClients.DEVICE_READER_SCOPES);

		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).get().asString().contains("no-store");
		JsonNode token = JSON.readTree(response.body());
		assertThat(token.get("token_type").asText()).isEqualToIgnoringCase("Bearer");
		assertThat(token.get("expires_in").asLong()).isPositive().isLessThanOrEqualTo(300);
		assertThat(token.get("scope").asText()).isEqualTo(TestClients.DEVICE_READER_SCOPES);
		assertThat(token.has("refresh_token")).isFalse();
	}

	@Test
	void clientAssertionsThatBreakBackendServicesRulesGetNoToken() throws Exception {
		String replayed = TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(), Duration.ofMinutes(1), "jti-" + UUID.randomUUID());
		assertThat(TestClients.requestToken(baseUrl(), replayed, TestClients.DEVICE_READER_SCOPES).statusCode()).isEqualTo(200);

		assertThat(TestClients.requestToken(baseUrl(), replayed, TestClients.DEVICE_READER_SCOPES).statusCode())
				.as("the same jti again").isEqualTo(401);
		assertThat(TestClients.requestToken(baseUrl(), TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(),
				Duration.ofMinutes(10), UUID.randomUUID().toString()), TestClients.DEVICE_READER_SCOPES).statusCode())
				.as("expiring 10 minutes ahead").isEqualTo(401);
		assertThat(TestClients.requestToken(baseUrl(), TestClients.assertion(TestClients.DEVICE_READER, "https://elsewhere.example/token",
				Duration.ofMinutes(1), UUID.randomUUID().toString()), TestClients.DEVICE_READER_SCOPES).statusCode())
				.as("for another token endpoint").isEqualTo(401);
		assertThat(TestClients.requestToken(baseUrl(), TestClients.assertion("openimd-it-unknown", tokenEndpoint(),
				Duration.ofMinutes(1), UUID.randomUUID().toString()), TestClients.DEVICE_READER_SCOPES).statusCode())
				.as("an unknown client").isEqualTo(401);
		assertThat(TestClients.requestToken(baseUrl(), TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(),
				Duration.ofMinutes(1), UUID.randomUUID().toString()), "system/Patient.rs").statusCode())
				.as("a scope beyond the registration").isEqualTo(400);
	}

	@Test
	void aClientMayAskForLessThanItsRegistrationNeverMore() throws Exception {
		String readOnly = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, "system/Device.rs");

		assertThat(get("/fhir/Device?_count=1", readOnly).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient?_count=1", readOnly).statusCode()).as("narrowed away").isEqualTo(403);
		assertThat(get("/ingest/messages", readOnly).statusCode()).as("not asked for").isEqualTo(403);
		assertThat(TestClients.requestToken(baseUrl(), TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(),
				Duration.ofMinutes(1), UUID.randomUUID().toString()), "system/Device.rsd").statusCode())
				.as("delete beyond system/Device.rs").isEqualTo(400);
	}

	@Test
	void revokedTokenStopsWorkingAtOnceAndIntrospectionSaysSo() throws Exception {
		String token = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(get("/fhir/Device?_count=1", token).statusCode()).isEqualTo(200);
		JsonNode active = JSON.readTree(authenticatedPost("/oauth2/introspect", "token=" + token).body());
		assertThat(active.get("active").asBoolean()).isTrue();
		assertThat(active.get("client_id").asText()).isEqualTo(TestClients.DEVICE_READER);
		assertThat(active.get("scope").asText()).isEqualTo(TestClients.DEVICE_READER_SCOPES);
		assertThat(active.has("exp")).isTrue();

		assertThat(authenticatedPost("/oauth2/revoke", "token=" + token).statusCode()).isEqualTo(200);

		assertThat(get("/fhir/Device?_count=1", token).statusCode()).isEqualTo(401);
		assertThat(JSON.readTree(authenticatedPost("/oauth2/introspect", "token=" + token).body()).get("active").asBoolean()).isFalse();
	}

	private HttpResponse<String> authenticatedPost(String thePath, String theForm) throws Exception {
		String body = theForm + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
				StandardCharsets.UTF_8) + "&client_assertion=" + TestClients.assertion(TestClients.DEVICE_READER, tokenEndpoint(),
				Duration.ofMinutes(1), UUID.randomUUID().toString());
		return myHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private String tokenEndpoint() {
		return baseUrl() + "/oauth2/token";
	}

	@Test
	void openImdsOwnScopesServeSystemsAndAdministratorsNeverAPatientOrAClinician() throws Exception {
		String patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		String ownScopes = String.join(" ", ApiScopes.INGEST, ApiScopes.INGEST_ADMIN, ApiScopes.OPERATIONS, ApiScopes.ADMIN, ApiScopes.LAUNCH);
		String patientsToken = personToken(Role.PATIENT, "Patient/" + patient, "openid launch/patient patient/*.rs " + ownScopes);
		String practitioner = client.create().resource(new Practitioner().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		String cliniciansToken = personToken(Role.CLINICIAN, "Practitioner/" + practitioner, "openid fhirUser user/*.rs " + ownScopes);
		for (String token : List.of(patientsToken, cliniciansToken)) {
			assertThat(JSON.readTree(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("scope").toString())
					.as("the app was registered with them, so the token carries them").contains(ApiScopes.INGEST, ApiScopes.ADMIN);
			assertThat(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/hl7v2")).header("Content-Type", "x-application/hl7-v2+er7")
					.POST(HttpRequest.BodyPublishers.ofString("MSH|^~\\&|X")), token).statusCode()).as("ingest").isEqualTo(403);
			assertThat(get("/ingest/messages", token).statusCode()).as("raw messages").isEqualTo(403);
			assertThat(get("/actuator/prometheus", token).statusCode()).as("operations").isEqualTo(403);
			assertThat(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/users")).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{}")), token).statusCode()).as("administration").isEqualTo(403);
			assertThat(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/smart/launch")).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{}")), token).statusCode()).as("launch").isEqualTo(403);
		}
		assertThat(get("/ingest/messages", accessToken).statusCode()).as("a system registered for it").isEqualTo(200);
	}

	@Test
	void introspectionAnswersAClientAboutItsOwnTokensOnly() throws Exception {
		JsonNode othersToken = JSON.readTree(authenticatedPost("/oauth2/introspect", "token=" + accessToken).body());
		assertThat(othersToken.get("active").asBoolean()).isFalse();
		assertThat(othersToken.size()).as("nothing but active: false").isEqualTo(1);
		String own = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(JSON.readTree(authenticatedPost("/oauth2/introspect", "token=" + own).body()).get("active").asBoolean()).isTrue();
	}

	private HttpResponse<String> get(String thePath, String theToken) throws Exception {
		return send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath)), theToken);
	}

	private HttpResponse<String> send(HttpRequest.Builder theRequest, String theToken) throws Exception {
		if (theToken != null) {
			theRequest.header("Authorization", "Bearer " + theToken);
		}
		return myHttp.send(theRequest.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void anAdministratorCreatesAnAccountAndGetsItsAuthenticatorEnrolmentOthersCannot() throws Exception {
		String username = "it-admin-made-" + UUID.randomUUID();
		String body = "{\"username\":\"" + username + "\",\"password\":\"a long enough password\",\"role\":\"CLINICIAN\",\"fhirUser\":\"Practitioner/1\"}";
		HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/users")).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(body));

		assertThat(myHttp.send(create.build(), HttpResponse.BodyHandlers.ofString()).statusCode()).as("no token").isEqualTo(401);
		String deviceReader = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(myHttp.send(create.copy().header("Authorization", "Bearer " + deviceReader).build(), HttpResponse.BodyHandlers.ofString())
				.statusCode()).as("without openimd.admin").isEqualTo(403);

		HttpResponse<String> created = myHttp.send(create.copy().header("Authorization", "Bearer " + accessToken).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode account = JSON.readTree(created.body());
		assertThat(account.get("otpauthUri").asText()).startsWith("otpauth://totp/OpenIMD:" + username + "?secret=" + account.get("totpSecret").asText());
		assertThat(created.body()).doesNotContain("a long enough password");
		assertThat(account.get("recoveryCodes")).hasSize(10).allSatisfy(code -> assertThat(code.asText()).matches("[A-Z2-7]{5}-[A-Z2-7]{5}"));

		assertThat(account.get("otpauthQrCode").asText()).startsWith("<svg ").endsWith("</svg>").contains("<path");

		HttpResponse<String> again = myHttp.send(create.copy().header("Authorization", "Bearer " + accessToken).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(again.statusCode()).as("the username is taken").isEqualTo(400);
		assertThat(JSON.readTree(again.body()).get("detail").asText()).as("with the reason").isNotBlank();
	}

	@Test
	void onlyAnAdministratorListsAccountsAndClientsAndNeverWithTheirSecrets() throws Exception {
		String deviceReader = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		String clinician = personToken(Role.CLINICIAN, "Practitioner/" + UUID.randomUUID(), "openid fhirUser user/*.rs " + ApiScopes.ADMIN);
		for (String path : new String[] {"/admin/users", "/admin/clients"}) {
			assertThat(get(path, null).statusCode()).as(path + " without a token").isEqualTo(401);
			assertThat(get(path, deviceReader).statusCode()).as(path + " without openimd.admin").isEqualTo(403);
			assertThat(get(path, clinician).statusCode()).as(path + " for a clinician whose app holds openimd.admin").isEqualTo(403);
		}

		HttpResponse<String> users = get("/admin/users", accessToken);
		assertThat(users.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(users.body())).isNotEmpty().allSatisfy(user -> {
			assertThat(user.has("username") && user.has("role") && user.has("locked")).isTrue();
			assertThat(user.has("totpSecret") || user.has("passwordHash") || user.has("recoveryCodes")).isFalse();
		});
		HttpResponse<String> clients = get("/admin/clients", accessToken);
		assertThat(clients.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(clients.body())).anySatisfy(client -> {
			assertThat(client.get("clientId").asText()).isEqualTo(TestClients.CONFIDENTIAL_APP);
			assertThat(client.get("type").asText()).isEqualTo("confidential");
		});
		assertThat(clients.body()).doesNotContain(TestClients.CONFIDENTIAL_APP_SECRET).doesNotContain("clientSecret").doesNotContain("\"d\"");
	}

	@Test
	void aRoleIsNamedInAnyCaseAndAMalformedAccountIsRefusedWithItsReason() throws Exception {
		HttpResponse<String> lowerCase = createAccount("{\"username\":\"it-lower-" + UUID.randomUUID()
				+ "\",\"password\":\"a long enough password\",\"role\":\"clinician\",\"fhirUser\":\"Practitioner/1\"}");
		assertThat(lowerCase.statusCode()).as(lowerCase.body()).isEqualTo(201);
		assertThat(JSON.readTree(lowerCase.body()).get("role").asText()).isEqualTo("CLINICIAN");

		HttpResponse<String> unknownRole = createAccount("{\"username\":\"it-nurse-" + UUID.randomUUID()
				+ "\",\"password\":\"a long enough password\",\"role\":\"nurse\"}");
		assertThat(unknownRole.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(unknownRole.body()).get("detail").asText()).contains("role must be one of", "clinician", "\"nurse\"");

		HttpResponse<String> noPassword = createAccount("{\"username\":\"it-nopass-" + UUID.randomUUID() + "\",\"role\":\"patient\"}");
		assertThat(noPassword.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(noPassword.body()).get("detail").asText()).contains("password");

		HttpResponse<String> notJson = createAccount("role=clinician");
		assertThat(notJson.statusCode()).isEqualTo(400);
		assertThat(JSON.readTree(notJson.body()).get("detail").asText()).contains("JSON object");
	}

	private HttpResponse<String> createAccount(String theBody) throws Exception {
		return myHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/users")).header("Content-Type", "application/json")
				.header("Authorization", "Bearer " + accessToken).POST(HttpRequest.BodyPublishers.ofString(theBody)).build(),
				HttpResponse.BodyHandlers.ofString());
	}
}
