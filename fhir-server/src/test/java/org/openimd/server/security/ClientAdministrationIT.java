package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/** An administrator registers SMART clients at run time ({@code POST /admin/clients}); nobody else can. */
class ClientAdministrationIT extends BaseServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private final HttpClient myHttp = HttpClient.newHttpClient();

	@Autowired
	UserAccounts accounts;

	@Test
	void aRegisteredBackendClientGetsATokenWithItsOwnKeyAndOnlyItsScopes() throws Exception {
		ECKey key = new ECKeyGenerator(Curve.P_384).keyID("k-" + UUID.randomUUID()).generate();
		String clientId = "it-registered-backend-" + UUID.randomUUID();
		ObjectNode backend = JSON.createObjectNode().put("type", "backend").put("clientId", clientId);
		backend.set("jwks", JSON.readTree(new JWKSet(key.toPublicJWK()).toString()));
		backend.putArray("scopes").add("system/Device.rs");

		HttpResponse<String> registered = register(backend, accessToken);

		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		assertThat(registered.headers().firstValue("Cache-Control")).contains("no-store");
		String tokenEndpoint = baseUrl() + "/oauth2/token";
		HttpResponse<String> token = TestClients.requestToken(baseUrl(),
				TestClients.assertion(key, clientId, tokenEndpoint, Duration.ofMinutes(1), UUID.randomUUID().toString()), "system/Device.rs");
		assertThat(token.statusCode()).as(token.body()).isEqualTo(200);
		String deviceReader = JSON.readTree(token.body()).get("access_token").asText();
		assertThat(get("/fhir/Device", deviceReader).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient", deviceReader).statusCode()).as("beyond its scopes").isEqualTo(403);
		assertThat(TestClients.requestToken(baseUrl(),
				TestClients.assertion(key, clientId, tokenEndpoint, Duration.ofMinutes(1), UUID.randomUUID().toString()), "system/Patient.rs")
				.statusCode()).as("asking beyond its registration").isEqualTo(400);

		AuditEvent registration = auditEventsEventually("type=http://dicom.nema.org/resources/ontology/DCM|110113",
				event -> event.getEntity().stream().anyMatch(entity -> clientId.equals(entity.getWhat().getIdentifier().getValue()))).get(0);
		assertThat(registration.getSubtypeFirstRep().getCode()).isEqualTo("110129");
		assertThat(registration.getOutcomeDesc()).isEqualTo("registered the backend client " + clientId + " with scopes [system/Device.rs]");
		assertThat(registration.getAgent()).filteredOn(AuditEvent.AuditEventAgentComponent::getRequestor).singleElement()
				.satisfies(administrator -> assertThat(administrator.getWho().getIdentifier().getValue()).isEqualTo(TestClients.FULL_ACCESS));

		assertThat(register(backend, accessToken).statusCode()).as("the client id is taken").isEqualTo(409);
		ObjectNode withPrivateKey = backend.deepCopy().put("clientId", clientId + "-private");
		withPrivateKey.set("jwks", JSON.readTree(new JWKSet(key).toString(false)));
		assertThat(register(withPrivateKey, accessToken).statusCode()).as("a private key is never registered").isEqualTo(400);
		assertThat(register(JSON.createObjectNode().put("type", "backend").put("clientId", clientId + "-keyless"), accessToken).statusCode())
				.as("no key").isEqualTo(400);
		ObjectNode actingForNobody = backend.deepCopy().put("clientId", clientId + "-acting").put("actsAs", "PHARMACIST");
		assertThat(register(actingForNobody, accessToken).statusCode()).as("a role without the organisation it acts for").isEqualTo(400);
	}

	@Test
	void aConfidentialAppGetsItsSecretOnceAndItsClinicianIsNoAdministrator() throws Exception {
		String clientId = "it-registered-app-" + UUID.randomUUID();
		ObjectNode app = JSON.createObjectNode().put("type", "confidential").put("clientId", clientId);
		app.putArray("redirectUris").add(TestClients.APP_REDIRECT_URI);
		app.putArray("scopes").add("launch/patient").add("user/*.rs").add(ApiScopes.ADMIN);

		HttpResponse<String> registered = register(app, accessToken);

		assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
		String secret = JSON.readTree(registered.body()).get("clientSecret").asText();
		assertThat(secret).hasSizeGreaterThanOrEqualTo(43);
		UserAccount clinician = accounts.create("it-clinician-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.CLINICIAN,
				Optional.of("Practitioner/" + UUID.randomUUID()), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(clientId, "user/*.rs " + ApiScopes.ADMIN, Map.of()), clinician,
				SmartAppLaunchIT.PASSWORD);
		HttpResponse<String> tokens = flow.exchangeCode(clientId, secret, redirect.get("code"));
		assertThat(tokens.statusCode()).as("the app works with the secret it was given: " + tokens.body()).isEqualTo(200);
		JsonNode granted = AppAuthorization.json(tokens);
		assertThat(granted.get("scope").asText()).contains(ApiScopes.ADMIN);

		ObjectNode another = JSON.createObjectNode().put("type", "public").put("clientId", clientId + "-by-clinician");
		another.putArray("redirectUris").add(TestClients.APP_REDIRECT_URI);
		assertThat(register(another, granted.get("access_token").asText()).statusCode()).as("a clinician's token, even with the scope")
				.isEqualTo(403);
		assertThat(register(another, TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES))
				.statusCode()).as("a system without openimd.admin").isEqualTo(403);
		assertThat(register(another, null).statusCode()).as("no token").isEqualTo(401);
		assertThat(register(JSON.createObjectNode().put("type", "public").put("clientId", clientId + "-nowhere"), accessToken).statusCode())
				.as("an app without redirect URIs").isEqualTo(400);
		assertThat(register(JSON.createObjectNode().put("type", "robot").put("clientId", clientId + "-robot"), accessToken).statusCode())
				.isEqualTo(400);
	}

	private HttpResponse<String> register(JsonNode theClient, String theToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/clients")).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(theClient.toString()));
		if (theToken != null) {
			request.header("Authorization", "Bearer " + theToken);
		}
		return myHttp.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String thePath, String theToken) throws Exception {
		return myHttp.send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath)).header("Authorization", "Bearer " + theToken).build(),
				HttpResponse.BodyHandlers.ofString());
	}
}
