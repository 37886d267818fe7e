package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestDatabase;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * OpenIMD as a pure resource server of an external OpenID Connect provider
 * ({@code openimd.auth.issuer-uri}), whose tokens name the role in a list claim {@code app_roles}, the
 * patient in {@code smart_patient} and the scopes in {@code scp}, as such providers do. The
 * provider's tokens meet the same role and patient enforcement as OpenIMD's own, and the embedded
 * authorization server is off.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT)
@ExtendWith(TestDatabase.AvailableCondition.class)
// Its own server and provider: closed after this class, so that the other classes' shared server keeps the memory.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
// One instance, so that the data is made once, after the server has started.
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExternalIdentityProviderIT {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final TestIdentityProvider PROVIDER = new TestIdentityProvider();
	private static final int PORT = freePort();
	private static final String BASE = "http://localhost:" + PORT;
	private static final String FHIR_BASE = BASE + "/fhir";

	private String patientA;
	private String patientB;
	private String practitioner;

	private final HttpClient myHttp = HttpClient.newHttpClient();

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@DynamicPropertySource
	static void externalProvider(DynamicPropertyRegistry theRegistry) {
		TestDatabase.current().springProperties().forEach((key, value) -> theRegistry.add(key, () -> value));
		theRegistry.add("server.port", () -> PORT);
		theRegistry.add("server.ssl.enabled", () -> "false");
		theRegistry.add("openimd.mllp.enabled", () -> "false");
		theRegistry.add("openimd.deid.hmac-key", () -> "ZXh0ZXJuYWwtaWRwLXRlc3Qta2V5LW5vdC1hLXNlY3JldA");
		theRegistry.add("openimd.auth.issuer-uri", PROVIDER::issuer);
		theRegistry.add("openimd.auth.external.audience", () -> FHIR_BASE);
		theRegistry.add("openimd.auth.external.claims.role", () -> "app_roles");
		theRegistry.add("openimd.auth.external.claims.patient", () -> "smart_patient");
	}

	@BeforeAll
	void twoPatientsAndAClinicianOfTheFirst() {
		IGenericClient system = client(PROVIDER.sign(claims(claims -> claims.put("scp", "system/*.cruds"))));
		patientA = system.create().resource(new Patient().addIdentifier(BaseServerIT.uniqueIdentifier())).execute().getId().getIdPart();
		patientB = system.create().resource(new Patient().addIdentifier(BaseServerIT.uniqueIdentifier())).execute().getId().getIdPart();
		for (String patient : List.of(patientA, patientB)) {
			system.create().resource(new Observation().setStatus(Observation.ObservationStatus.FINAL)
					.setSubject(new Reference("Patient/" + patient))).execute();
		}
		practitioner = system.create().resource(new Practitioner()).execute().getId().getIdPart();
		system.create().resource(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + patientA))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference("Practitioner/" + practitioner))))
				.execute();
	}

	@AfterAll
	void stopProvider() {
		PROVIDER.close();
	}

	private static Map<String, Object> claims(Consumer<Map<String, Object>> theExtra) {
		Map<String, Object> claims = PROVIDER.standardClaims(FHIR_BASE);
		theExtra.accept(claims);
		return claims;
	}

	private Map<String, Object> patientA() {
		return claims(claims -> {
			claims.put("app_roles", List.of("offline_access", "patient"));
			claims.put("smart_patient", "Patient/" + patientA);
			claims.put("fhirUser", FHIR_BASE + "/Patient/" + patientA);
			claims.put("amr", List.of("pwd", "otp"));
			claims.put("scp", "openid fhirUser patient/*.rs");
		});
	}

	private static IGenericClient client(String theToken) {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		IGenericClient client = FHIR.newRestfulGenericClient(FHIR_BASE);
		client.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return client;
	}

	private HttpResponse<String> get(String thePath, String theToken) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(BASE + thePath)).header("Accept", "application/fhir+json");
		if (theToken != null) {
			request.header("Authorization", "Bearer " + theToken);
		}
		return myHttp.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	@Test
	void discoveryAndTheCapabilityStatementNameTheProvidersEndpoints() throws Exception {
		JsonNode configuration = JSON.readTree(get("/fhir/.well-known/smart-configuration", null).body());
		assertThat(configuration.get("issuer").asText()).isEqualTo(PROVIDER.issuer());
		assertThat(configuration.get("authorization_endpoint").asText()).isEqualTo(PROVIDER.issuer() + "/protocol/openid-connect/auth");
		assertThat(configuration.get("token_endpoint").asText()).isEqualTo(PROVIDER.issuer() + "/protocol/openid-connect/token");
		assertThat(configuration.get("capabilities").toString()).contains("permission-v2", "permission-patient");
		assertThat(configuration.get("scopes_supported").toString()).contains("patient/*.rs");

		JsonNode oauthUris = JSON.readTree(get("/fhir/metadata", null).body()).get("rest").get(0).get("security").get("extension").get(0);
		assertThat(oauthUris.get("extension").toString())
				.contains(PROVIDER.issuer() + "/protocol/openid-connect/token", PROVIDER.issuer() + "/protocol/openid-connect/revoke")
				.doesNotContain(BASE + "/oauth2");
	}

	@Test
	void theEmbeddedAuthorizationServerSignInAndUserAdministrationAreOff() throws Exception {
		for (String path : List.of("/oauth2/jwks", "/.well-known/openid-configuration", "/auth/login", "/oauth2/authorize?response_type=code")) {
			assertThat(get(path, null).statusCode()).as(path).isEqualTo(401);
		}
		HttpResponse<String> token = myHttp.send(HttpRequest.newBuilder(URI.create(BASE + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(token.statusCode()).isEqualTo(401);

		String admin = PROVIDER.sign(claims(claims -> {
			claims.put("app_roles", "admin");
			claims.put("amr", List.of("pwd", "otp"));
			claims.put("scp", ApiScopes.ADMIN);
		}));
		HttpResponse<String> newUser = myHttp.send(HttpRequest.newBuilder(URI.create(BASE + "/admin/users"))
				.header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"someone\",\"role\":\"clinician\"}")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(newUser.statusCode()).as("people are the provider's to manage").isEqualTo(404);
	}

	@Test
	void aPatientsTokenFromTheProviderReachesTheirOwnRecordOnly() throws Exception {
		IGenericClient patient = client(PROVIDER.sign(patientA()));

		assertThat(patient.read().resource(Patient.class).withId(patientA).execute().getIdElement().getIdPart()).isEqualTo(patientA);
		assertThat(get("/fhir/Patient/" + patientB, PROVIDER.sign(patientA())).statusCode()).as("out of reach, as if absent").isEqualTo(404);
		Bundle observations = patient.search().forResource(Observation.class).returnBundle(Bundle.class).execute();
		assertThat(observations.getEntry()).isNotEmpty().allSatisfy(entry ->
				assertThat(((Observation) entry.getResource()).getSubject().getReference()).isEqualTo("Patient/" + patientA));
	}

	@Test
	void aCliniciansTokenReachesThePatientsOfTheirCareTeamOnly() throws Exception {
		String clinician = PROVIDER.sign(claims(claims -> {
			claims.put("app_roles", List.of("Clinician", "default-roles-clinic"));
			claims.put("fhirUser", FHIR_BASE + "/Practitioner/" + practitioner);
			claims.put("amr", List.of("pwd", "mfa"));
			claims.put("scp", "user/Patient.rs user/Observation.rs");
		}));

		assertThat(get("/fhir/Patient/" + patientA, clinician).statusCode()).isEqualTo(200);
		assertThat(get("/fhir/Patient/" + patientB, clinician).statusCode()).as("out of reach, as if absent").isEqualTo(404);
		Bundle patients = client(clinician).search().forResource(Patient.class).returnBundle(Bundle.class).execute();
		assertThat(patients.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(patientA);
	}

	@Test
	void tokensThatAreNotTheProvidersForThisApiOrLackWhatAPersonNeedsAreRefused() throws Exception {
		Map<String, String> refused = new LinkedHashMap<>();
		refused.put("signed by another key", TestIdentityProvider.sign(patientA(), TestIdentityProvider.newKey()));
		refused.put("another issuer", PROVIDER.sign(with(patientA(), "iss", "https://idp.example.org/realms/clinic")));
		refused.put("another audience", PROVIDER.sign(with(patientA(), "aud", "https://other-api.example.org/fhir")));
		refused.put("expired", PROVIDER.sign(with(with(patientA(), "iat", Date.from(Instant.now().minusSeconds(900))), "exp",
				Date.from(Instant.now().minusSeconds(300)))));
		refused.put("password alone", PROVIDER.sign(with(patientA(), "amr", List.of("pwd"))));
		refused.put("no OpenIMD role", PROVIDER.sign(with(patientA(), "app_roles", List.of("nurse"))));
		refused.put("two OpenIMD roles", PROVIDER.sign(with(patientA(), "app_roles", List.of("patient", "admin"))));
		Map<String, Object> noRole = patientA();
		noRole.remove("app_roles");
		refused.put("a person without a role", PROVIDER.sign(noRole));
		refused.put("OpenIMD's own role claim instead of the mapped one", PROVIDER.sign(with(noRole, SmartClaims.ROLE, "patient")));
		refused.put("alg none", new PlainJWT(jwtClaims(patientA())).serialize());
		refused.put("HS256 with the public key's modulus", hmacSigned(patientA()));

		for (Map.Entry<String, String> token : refused.entrySet()) {
			HttpResponse<String> response = get("/fhir/Patient/" + patientA, token.getValue());
			assertThat(response.statusCode()).as(token.getKey()).isEqualTo(401);
			assertThat(response.headers().firstValue("WWW-Authenticate")).as(token.getKey()).get().asString().contains("invalid_token");
		}
		assertThat(get("/fhir/Patient/" + patientA, PROVIDER.sign(patientA())).statusCode()).as("the same token, well made").isEqualTo(200);
	}

	private static Map<String, Object> with(Map<String, Object> theClaims, String theName, Object theValue) {
		Map<String, Object> claims = new LinkedHashMap<>(theClaims);
		claims.put(theName, theValue);
		return claims;
	}

	private static JWTClaimsSet jwtClaims(Map<String, Object> theClaims) {
		JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
		theClaims.forEach(claims::claim);
		return claims.build();
	}

	/** The classic confusion attack: a token "signed" with an HMAC keyed by what the provider publishes. */
	private String hmacSigned(Map<String, Object> theClaims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(PROVIDER.key().getKeyID()).build(), jwtClaims(theClaims));
			jwt.sign(new MACSigner(PROVIDER.key().getModulus().decode()));
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}
}
