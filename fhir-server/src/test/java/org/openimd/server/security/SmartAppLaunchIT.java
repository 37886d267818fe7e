package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * SMART App Launch for people, driven over HTTP as a browser and an app drive it: authorization code
 * with PKCE, two-factor sign-in, patient picker, consent, token response, refresh, revocation, and the
 * FHIR calls the tokens then make.
 */
class SmartAppLaunchIT extends BaseServerIT {

	static final String PASSWORD = "correct horse battery staple";

	@Autowired
	UserAccounts accounts;

	/** Two patients, each with an Observation and an implant; a practitioner on patient A's care team only. */
	record World(String patientA, String patientB, String observationA, String observationB, String deviceA, String deviceB,
			String practitioner) {}

	World world;

	@BeforeEach
	void twoPatients() {
		world = twoPatients(client);
	}

	static World twoPatients(IGenericClient theClient) {
		String a = create(theClient, new Patient().addIdentifier(uniqueIdentifier()).addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Alpha")));
		String b = create(theClient, new Patient().addIdentifier(uniqueIdentifier()).addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Beta")));
		String observationA = create(theClient, vitalSign(a));
		String observationB = create(theClient, vitalSign(b));
		String deviceA = create(theClient, new Device().setPatient(new Reference("Patient/" + a)).setManufacturer("Acme"));
		String deviceB = create(theClient, new Device().setPatient(new Reference("Patient/" + b)).setManufacturer("Acme"));
		String practitioner = create(theClient, new Practitioner().addIdentifier(uniqueIdentifier()));
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + a));
		team.addParticipant().setMember(new Reference("Practitioner/" + practitioner));
		create(theClient, team);
		return new World(a, b, observationA, observationB, deviceA, deviceB, practitioner);
	}

	static Observation vitalSign(String thePatient) {
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + thePatient));
		observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
		observation.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("vital-signs");
		return observation;
	}

	static String create(IGenericClient theClient, org.hl7.fhir.r4.model.Resource theResource) {
		return theClient.create().resource(theResource).execute().getId().getIdPart();
	}

	UserAccount person(Role theRole, String theFhirUser, String theOrganization) {
		return accounts.create("it-" + theRole.name().toLowerCase() + "-" + UUID.randomUUID(), PASSWORD, theRole, Optional.ofNullable(theFhirUser),
				Optional.ofNullable(theOrganization));
	}

	/** The token response of a full flow for {@code thePerson}. */
	JsonNode tokensFor(UserAccount thePerson, String theClientId, String theSecret, String theScope, AppAuthorization theFlow) throws Exception {
		Map<String, String> redirect = theFlow.authorize(theFlow.authorizationUrl(theClientId, theScope, Map.of()), thePerson, PASSWORD);
		assertThat(redirect).as("redirect to the app").containsKey("code").containsEntry("state", theFlow.state);
		HttpResponse<String> tokens = theFlow.exchangeCode(theClientId, theSecret, redirect.get("code"));
		assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
		return AppAuthorization.json(tokens);
	}

	IGenericClient fhirClientWith(String theAccessToken) {
		IGenericClient app = FHIR.newRestfulGenericClient(fhirBase());
		app.registerInterceptor(new BearerTokenAuthInterceptor(theAccessToken));
		return app;
	}

	@Test
	void aPatientSignsInWithBothFactorsAndTheirAppSeesTheirRecordOnly() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(
				flow.authorizationUrl(TestClients.PUBLIC_APP, "openid fhirUser launch/patient patient/*.rs", Map.of()), patient, PASSWORD);
		HttpResponse<String> response = flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code"));

		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		assertThat(response.headers().firstValue("Cache-Control")).get().asString().contains("no-store");
		assertThat(response.headers().firstValue("Pragma")).contains("no-cache");
		JsonNode tokens = AppAuthorization.json(response);
		assertThat(tokens.get("token_type").asText()).isEqualTo("Bearer");
		assertThat(tokens.get("expires_in").asInt()).isBetween(1, 3600);
		assertThat(tokens.get("scope").asText().split(" ")).contains("patient/*.rs", "launch/patient", "fhirUser");
		assertThat(tokens.get("patient").asText()).isEqualTo(world.patientA());
		assertThat(tokens.get("need_patient_banner").asBoolean()).isTrue();
		assertThat(tokens.has("refresh_token")).as("a public app gets no refresh token").isFalse();
		SignedJWT idToken = SignedJWT.parse(tokens.get("id_token").asText());
		assertThat(idToken.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
		assertThat(idToken.getJWTClaimsSet().getStringClaim("fhirUser")).isEqualTo(fhirBase() + "/Patient/" + world.patientA());
		assertThat(idToken.getJWTClaimsSet().getAudience()).contains(TestClients.PUBLIC_APP);
		SignedJWT accessToken = SignedJWT.parse(tokens.get("access_token").asText());
		assertThat(accessToken.getJWTClaimsSet().getStringListClaim("amr")).containsExactlyInAnyOrder("pwd", "otp");
		assertThat(accessToken.getJWTClaimsSet().getAudience()).containsExactly(fhirBase());

		IGenericClient app = fhirClientWith(tokens.get("access_token").asText());
		assertThat(app.read().resource(Patient.class).withId(world.patientA()).execute().getIdElement().getIdPart()).isEqualTo(world.patientA());
		assertThat(app.read().resource(Device.class).withId(world.deviceA()).execute().getPatient().getReference()).endsWith(world.patientA());
		Bundle observations = app.search().forResource(Observation.class).returnBundle(Bundle.class).execute();
		assertThat(observations.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(world.observationA());
		Bundle devices = app.search().forResource(Device.class).returnBundle(Bundle.class).execute();
		assertThat(devices.getEntry()).extracting(entry -> entry.getResource().getIdElement().getIdPart()).containsExactly(world.deviceA());
		assertThatForbidden(() -> app.read().resource(Patient.class).withId(world.patientB()).execute());
		assertThatForbidden(() -> app.read().resource(Device.class).withId(world.deviceB()).execute());
		assertThatForbidden(() -> app.read().resource(Observation.class).withId(world.observationB()).execute());
	}

	static void assertThatForbidden(Runnable theCall) {
		try {
			theCall.run();
		} catch (ForbiddenOperationException | AuthenticationException | ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException expected) {
			return;
		}
		throw new AssertionError("the call was allowed");
	}

	@Test
	void aPasswordAloneGetsNoCodeAndAUsedAuthenticatorCodeIsRefused() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String authorize = flow.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/*.rs launch/patient", Map.of());
		assertThat(flow.get(authorize).headers().firstValue("Location")).get().asString().endsWith("/auth/login");
		String form = flow.get("/auth/login").body();
		HttpResponse<String> afterPassword = flow.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD,
				"_csrf", csrf(form)));
		assertThat(afterPassword.headers().firstValue("Location")).get().asString().endsWith("/auth/login/code");

		HttpResponse<String> againWithPasswordOnly = flow.get(authorize);
		assertThat(againWithPasswordOnly.statusCode()).isEqualTo(302);
		assertThat(againWithPasswordOnly.headers().firstValue("Location")).get().asString().endsWith("/auth/login")
				.doesNotContain("code=");

		String code = flow.codeNow(patient);
		HttpResponse<String> accepted = flow.post("/auth/login/code", Map.of("code", code, "_csrf", csrf(flow.get("/auth/login/code").body())));
		assertThat(accepted.headers().firstValue("Location")).get().asString().contains("/oauth2/authorize");

		AppAuthorization secondBrowser = new AppAuthorization(baseUrl());
		secondBrowser.get(authorize);
		secondBrowser.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD, "_csrf", csrf(secondBrowser.get("/auth/login").body())));
		HttpResponse<String> reused = secondBrowser.post("/auth/login/code", Map.of("code", code, "_csrf", csrf(secondBrowser.get("/auth/login/code").body())));
		assertThat(reused.headers().firstValue("Location")).get().asString().endsWith("/auth/login/code?error");
	}

	@Test
	void signingOutEndsTheSessionSoTheNextAppMustSignInAgainAndIsAudited() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String authorize = flow.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/*.rs launch/patient", Map.of());
		flow.authorize(authorize, patient, PASSWORD);
		assertThat(flow.get(authorize).headers().firstValue("Location")).as("signed in: straight to the app")
				.get().asString().startsWith(TestClients.APP_REDIRECT_URI);

		assertThat(flow.post("/auth/logout", Map.of()).statusCode()).as("no sign-out without the page's CSRF token").isEqualTo(403);
		HttpResponse<String> signedOut = flow.post("/auth/logout", Map.of("_csrf", csrf(flow.get("/auth/logout").body())));
		assertThat(signedOut.headers().firstValue("Location")).get().asString().endsWith("/auth/signed-out");
		assertThat(flow.get(authorize).headers().firstValue("Location")).as("signed out: the next app asks for sign-in")
				.get().asString().endsWith("/auth/login");

		List<AuditEvent> events = auditEventsEventually("subtype=110123", event -> event.getAgent().stream()
				.anyMatch(agent -> patient.username().equals(agent.getWho().getIdentifier().getValue())));
		assertThat(events.get(0).getOutcomeDesc()).isEqualTo("signed out");
	}

	@Test
	void anAppsRequestsCarryingThePersonsSignInCookieLeaveTheirSignInAsItWas() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String authorize = flow.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/*.rs launch/patient", Map.of());
		String token = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, flow.authorize(authorize, patient, PASSWORD).get("code")))
				.get("access_token").asText();
		String signInCookie = flow.cookieHeader();
		assertThat(signInCookie).contains("JSESSIONID=");

		// A browser app's parallel requests all carry the cookie the browser had when they set out.
		for (int request = 0; request < 2; request++) {
			HttpResponse<String> read = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient/" + world.patientA()))
					.header("Authorization", "Bearer " + token).header("Cookie", signInCookie).GET().build(), HttpResponse.BodyHandlers.ofString());
			assertThat(read.statusCode()).isEqualTo(200);
			assertThat(read.headers().allValues("Set-Cookie")).as("the API leaves the sign-in session's cookie alone").isEmpty();
		}
		assertThat(flow.get(authorize).headers().firstValue("Location")).as("still signed in: the next authorization goes straight to the app")
				.get().asString().startsWith(TestClients.APP_REDIRECT_URI);
	}

	@Test
	void aRecoveryCodeStandsInForTheAuthenticatorOnceAndIsAudited() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		String recoveryCode = accounts.newRecoveryCodes(patient.username()).get(0);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String authorize = flow.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/*.rs launch/patient", Map.of());
		flow.get(authorize);
		flow.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD, "_csrf", csrf(flow.get("/auth/login").body())));
		HttpResponse<String> accepted = flow.post("/auth/login/code", Map.of("code", recoveryCode.toLowerCase(Locale.ROOT),
				"_csrf", csrf(flow.get("/auth/login/code").body())));
		assertThat(accepted.headers().firstValue("Location")).get().asString().contains("/oauth2/authorize");
		assertThat(accounts.recoveryCodesLeft(patient.username())).isEqualTo(9);

		AppAuthorization secondBrowser = new AppAuthorization(baseUrl());
		secondBrowser.get(authorize);
		secondBrowser.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD,
				"_csrf", csrf(secondBrowser.get("/auth/login").body())));
		HttpResponse<String> reused = secondBrowser.post("/auth/login/code", Map.of("code", recoveryCode,
				"_csrf", csrf(secondBrowser.get("/auth/login/code").body())));
		assertThat(reused.headers().firstValue("Location")).as("a recovery code works once").get().asString().endsWith("/auth/login/code?error");

		List<AuditEvent> steps = auditEventsEventually("subtype=110122", event -> event.getAgent().stream()
				.anyMatch(agent -> patient.username().equals(agent.getWho().getIdentifier().getValue())));
		assertThat(steps).extracting(AuditEvent::getOutcomeDesc).contains("recovery code: ACCEPTED", "recovery code: REJECTED");
	}

	@Test
	void aSignedInPersonReplacesTheirRecoveryCodesWithAFreshAuthenticatorCode() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		List<String> earlier = accounts.newRecoveryCodes(patient.username());
		AppAuthorization browser = new AppAuthorization(baseUrl());
		assertThat(browser.get("/auth/recovery-codes").headers().firstValue("Location")).as("nobody signed in")
				.get().asString().endsWith("/auth/login");
		browser.authorize(browser.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/*.rs launch/patient", Map.of()), patient, PASSWORD);

		String form = browser.get("/auth/recovery-codes").body();
		assertThat(form).contains("You have 10 unused recovery codes");
		HttpResponse<String> wrong = browser.post("/auth/recovery-codes", Map.of("code", "000000", "_csrf", csrf(form)));
		assertThat(wrong.headers().firstValue("Location")).get().asString().endsWith("/auth/recovery-codes?error");
		assertThat(accounts.recoveryCodesLeft(patient.username())).as("nothing replaced").isEqualTo(10);
		HttpResponse<String> withoutCsrf = browser.post("/auth/recovery-codes", Map.of("code", browser.codeNow(patient)));
		assertThat(withoutCsrf.statusCode()).isEqualTo(403);

		// The code used to sign in works only once: the next one proves the authenticator again.
		browser.codeStepOffset = 30;
		HttpResponse<String> issued = browser.post("/auth/recovery-codes", Map.of("code", browser.codeNow(patient),
				"_csrf", csrf(browser.get("/auth/recovery-codes").body())));
		assertThat(issued.statusCode()).isEqualTo(200);
		assertThat(issued.headers().firstValue("Cache-Control")).get().asString().contains("no-store");
		List<String> renewed = new ArrayList<>();
		Matcher shown = Pattern.compile("<code>([A-Z2-7]{5}-[A-Z2-7]{5})</code>").matcher(issued.body());
		while (shown.find()) {
			renewed.add(shown.group(1));
		}
		assertThat(renewed).hasSize(10).doesNotContainAnyElementsOf(earlier);
		assertThat(accounts.checkRecoveryCode(patient.username(), earlier.get(1))).isEqualTo(UserAccounts.Outcome.REJECTED);
		assertThat(accounts.checkRecoveryCode(patient.username(), renewed.get(1))).isEqualTo(UserAccounts.Outcome.ACCEPTED);

		List<AuditEvent> events = auditEventsEventually("subtype=110129", event -> event.getAgent().stream()
				.anyMatch(agent -> patient.username().equals(agent.getWho().getIdentifier().getValue())));
		assertThat(events.get(0).getOutcomeDesc()).isEqualTo("new recovery codes issued to the person");
	}

	@Test
	void aPasswordAloneDoesNotReachTheRecoveryCodes() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization browser = new AppAuthorization(baseUrl());
		browser.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD, "_csrf", csrf(browser.get("/auth/login").body())));
		assertThat(browser.get("/auth/recovery-codes").headers().firstValue("Location")).get().asString().endsWith("/auth/login");
	}

	@Test
	void repeatedFailuresLockTheAccountEvenForTheRightPassword() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		for (int attempt = 0; attempt < 5; attempt++) {
			flow.passwordStep(patient.username(), "wrong password " + attempt);
		}
		assertThat(flow.passwordStep(patient.username(), PASSWORD)).endsWith("/auth/login?error");
		assertThat(accounts.find(patient.username()).orElseThrow().lockedUntil()).isPresent();
	}

	@Test
	void manyFailuresFromOneAddressStopSignInThereForEveryAccount() throws Exception {
		String address = "203.0.113." + ThreadLocalRandom.current().nextInt(1, 255);
		AppAuthorization sprayer = new AppAuthorization(baseUrl());
		sprayer.forwardedFor = address;
		for (int attempt = 0; attempt < 20; attempt++) {
			String csrf = AppAuthorization.hidden(sprayer.get("/auth/login").body()).get("_csrf");
			HttpResponse<String> failed = sprayer.post("/auth/login", Map.of("username", "it-nobody-" + attempt, "password", "Winter2026!",
					"_csrf", csrf));
			assertThat(failed.statusCode()).as("attempt " + attempt).isEqualTo(302);
		}
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);

		AppAuthorization fromThere = new AppAuthorization(baseUrl());
		fromThere.forwardedFor = address;
		String csrf = AppAuthorization.hidden(fromThere.get("/auth/login").body()).get("_csrf");
		HttpResponse<String> refused = fromThere.post("/auth/login", Map.of("username", patient.username(), "password", PASSWORD, "_csrf", csrf));
		assertThat(refused.statusCode()).as("the right password, from that address").isEqualTo(429);

		AppAuthorization fromElsewhere = new AppAuthorization(baseUrl());
		fromElsewhere.forwardedFor = "198.51.100.7";
		assertThat(fromElsewhere.authorize(fromElsewhere.authorizationUrl(TestClients.PUBLIC_APP, "launch/patient patient/*.rs", Map.of()),
				patient, PASSWORD)).as("the same person from another address").containsKey("code");
	}

	@Test
	void noCodeWithoutPkceOrWithPlainOrForAnotherAudience() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		for (Map<String, String> broken : new Map[] {
				withNull("code_challenge"), Map.of("code_challenge_method", "plain"), Map.of("aud", "https://evil.example/fhir"), withNull("aud")}) {
			AppAuthorization flow = new AppAuthorization(baseUrl());
			Map<String, String> redirect = flow.authorize(
					flow.authorizationUrl(TestClients.CONFIDENTIAL_APP, "openid patient/*.rs launch/patient", broken), patient, PASSWORD);
			assertThat(redirect).as(broken.toString()).doesNotContainKey("code").containsKey("error");
			flow.codeStepOffset = 30;
		}
	}

	private static Map<String, String> withNull(String theParameter) {
		Map<String, String> parameters = new HashMap<>();
		parameters.put(theParameter, null);
		return parameters;
	}

	@Test
	void theTokenExchangeNeedsTheRightVerifierAndACodeWorksOnce() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String code = flow.authorize(flow.authorizationUrl(TestClients.CONFIDENTIAL_APP, "openid patient/*.rs launch/patient", Map.of()),
				patient, PASSWORD).get("code");
		String challenge = AppAuthorization.challenge(flow.codeVerifier);
		for (String verifier : new String[] {null, "", "a-wrong-verifier-a-wrong-verifier-a-wrong-verifier", challenge}) {
			Map<String, String> form = new HashMap<>(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", TestClients.APP_REDIRECT_URI));
			if (verifier != null) {
				form.put("code_verifier", verifier);
			}
			assertThat(flow.exchange(TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET, form).statusCode())
					.as("verifier " + verifier).isIn(400, 401);
		}
	}

	@Test
	void aScopeWithheldAtConsentIsNotGranted() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		flow.withheldScopes = Set.of("patient/Device.rs");
		JsonNode tokens = tokensFor(patient, TestClients.PUBLIC_APP, null, "openid launch/patient patient/Observation.rs patient/Device.rs", flow);

		assertThat(tokens.get("scope").asText().split(" ")).contains("patient/Observation.rs").doesNotContain("patient/Device.rs");
		IGenericClient app = fhirClientWith(tokens.get("access_token").asText());
		assertThat(app.search().forResource(Observation.class).returnBundle(Bundle.class).execute().getEntry()).hasSize(1);
		assertThatForbidden(() -> app.search().forResource(Device.class).returnBundle(Bundle.class).execute());
	}

	@Test
	void offlineAccessRefreshesWithinTheGrantAndRevocationEndsIt() throws Exception {
		UserAccount patient = person(Role.PATIENT, "Patient/" + world.patientA(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		JsonNode tokens = tokensFor(patient, TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET,
				"openid launch/patient patient/*.rs offline_access", flow);
		String refreshToken = tokens.get("refresh_token").asText();

		HttpResponse<String> same = refresh(flow, refreshToken, null);
		assertThat(same.statusCode()).as(same.body()).isEqualTo(200);
		assertThat(AppAuthorization.json(same).get("patient").asText()).isEqualTo(world.patientA());
		refreshToken = AppAuthorization.json(same).get("refresh_token").asText();
		HttpResponse<String> narrower = refresh(flow, refreshToken, "patient/*.rs offline_access");
		assertThat(narrower.statusCode()).as(narrower.body()).isEqualTo(200);
		refreshToken = AppAuthorization.json(narrower).get("refresh_token").asText();
		assertThat(refresh(flow, refreshToken, "patient/*.rs offline_access user/*.cruds").statusCode()).isEqualTo(400);

		String accessToken = AppAuthorization.json(narrower).get("access_token").asText();
		assertThat(introspect(accessToken).get("active").asBoolean()).isTrue();
		assertThat(introspect(accessToken).get("patient").asText()).isEqualTo(world.patientA());
		HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/oauth2/revoke"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", basic())
				.POST(HttpRequest.BodyPublishers.ofString("token=" + refreshToken + "&token_type_hint=refresh_token")).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(revoked.statusCode()).isEqualTo(200);
		assertThat(refresh(flow, refreshToken, null).statusCode()).isEqualTo(400);
		assertThatForbidden(() -> fhirClientWith(accessToken).read().resource(Patient.class).withId(world.patientA()).execute());
		assertThat(introspect(accessToken).get("active").asBoolean()).isFalse();
	}

	private HttpResponse<String> refresh(AppAuthorization theFlow, String theRefreshToken, String theScope) throws Exception {
		Map<String, String> form = new HashMap<>(Map.of("grant_type", "refresh_token", "refresh_token", theRefreshToken));
		if (theScope != null) {
			form.put("scope", theScope);
		}
		return theFlow.exchange(TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET, form);
	}

	private JsonNode introspect(String theToken) throws Exception {
		return AppAuthorization.json(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/oauth2/introspect"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.header("Authorization", basic())
				.POST(HttpRequest.BodyPublishers.ofString("token=" + theToken)).build(), HttpResponse.BodyHandlers.ofString()));
	}

	private static String basic() {
		return "Basic " + java.util.Base64.getEncoder().encodeToString(
				(TestClients.CONFIDENTIAL_APP + ":" + TestClients.CONFIDENTIAL_APP_SECRET).getBytes(java.nio.charset.StandardCharsets.UTF_8));
	}

	@Test
	void aClinicianPicksOnlyAPatientOfTheirCareTeamAndSeesOnlyThem() throws Exception {
		UserAccount clinician = person(Role.CLINICIAN, "Practitioner/" + world.practitioner(), null);
		AppAuthorization flow = new AppAuthorization(baseUrl());
		flow.patientToPick = world.patientA();
		JsonNode tokens = tokensFor(clinician, TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET,
				"openid fhirUser launch/patient patient/*.rs", flow);
		assertThat(tokens.get("patient").asText()).isEqualTo(world.patientA());
		IGenericClient app = fhirClientWith(tokens.get("access_token").asText());
		assertThat(app.search().forResource(Observation.class).returnBundle(Bundle.class).execute().getEntry()).hasSize(1);
		assertThatForbidden(() -> app.read().resource(Patient.class).withId(world.patientB()).execute());

		AppAuthorization other = new AppAuthorization(baseUrl());
		other.patientToPick = world.patientB();
		other.codeStepOffset = 30;
		assertThatThrownByFlow(() -> other.authorize(other.authorizationUrl(TestClients.CONFIDENTIAL_APP, "openid launch/patient patient/*.rs",
				Map.of()), clinician, PASSWORD), "403");
	}

	@Test
	void aClinicianWithUserScopesReachesTheirCareTeamsPatientsOnly() throws Exception {
		UserAccount clinician = person(Role.CLINICIAN, "Practitioner/" + world.practitioner(), null);
		JsonNode tokens = tokensFor(clinician, TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET, "openid fhirUser user/*.rs",
				new AppAuthorization(baseUrl()));
		IGenericClient app = fhirClientWith(tokens.get("access_token").asText());
		assertThat(app.read().resource(Patient.class).withId(world.patientA()).execute()).isNotNull();
		assertThatForbidden(() -> app.read().resource(Patient.class).withId(world.patientB()).execute());
		assertThatForbidden(() -> app.read().resource(Device.class).withId(world.deviceB()).execute());

		UserAccount stranger = person(Role.CLINICIAN, "Practitioner/" + create(client, new Practitioner()), null);
		JsonNode strangerTokens = tokensFor(stranger, TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET, "openid user/*.rs",
				new AppAuthorization(baseUrl()));
		assertThatForbidden(() -> fhirClientWith(strangerTokens.get("access_token").asText()).read().resource(Patient.class)
				.withId(world.patientA()).execute());
	}

	@Test
	void anEhrLaunchCarriesItsPatientForItsUserAndAppOnly() throws Exception {
		UserAccount clinician = person(Role.CLINICIAN, "Practitioner/" + world.practitioner(), null);
		HttpResponse<String> launched = HttpClient.newHttpClient().send(authorized("/smart/launch")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("username=" + clinician.username() + "&client_id=" + TestClients.CONFIDENTIAL_APP
						+ "&patient=" + world.patientA()))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(launched.statusCode()).as(launched.body()).isEqualTo(201);
		String launch = AppAuthorization.json(launched).get("launch").asText();

		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.CONFIDENTIAL_APP, "openid launch patient/*.rs",
				Map.of("launch", launch)), clinician, PASSWORD);
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(TestClients.CONFIDENTIAL_APP, TestClients.CONFIDENTIAL_APP_SECRET,
				redirect.get("code")));
		assertThat(tokens.get("patient").asText()).isEqualTo(world.patientA());
		assertThat(tokens.get("need_patient_banner").asBoolean()).isFalse();

		HttpResponse<String> outsideCareTeam = HttpClient.newHttpClient().send(authorized("/smart/launch")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("username=" + clinician.username() + "&client_id=" + TestClients.CONFIDENTIAL_APP
						+ "&patient=" + world.patientB()))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(outsideCareTeam.statusCode()).isEqualTo(403);

		UserAccount otherUser = person(Role.CLINICIAN, "Practitioner/" + world.practitioner(), null);
		AppAuthorization stolen = new AppAuthorization(baseUrl());
		Map<String, String> refused = stolen.authorize(stolen.authorizationUrl(TestClients.CONFIDENTIAL_APP, "openid launch patient/*.rs",
				Map.of("launch", launch)), otherUser, PASSWORD);
		assertThat(refused).doesNotContainKey("code").containsEntry("error", "invalid_request");
	}

	private static String csrf(String theHtml) {
		Matcher matcher = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"").matcher(theHtml);
		assertThat(matcher.find()).as("a CSRF token in the form").isTrue();
		return matcher.group(1);
	}

	interface Flow {
		void run() throws Exception;
	}

	private static void assertThatThrownByFlow(Flow theFlow, String theExpected) {
		try {
			theFlow.run();
		} catch (Exception expected) {
			assertThat(expected.getMessage()).contains(theExpected);
			return;
		}
		throw new AssertionError("the flow went through");
	}
}
