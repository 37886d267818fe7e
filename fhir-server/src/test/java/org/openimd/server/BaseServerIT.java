package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openimd.server.ingest.ReturnRouteReceiver;
import org.openimd.server.security.AppAuthorization;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;
import org.openimd.terminology.OpenImdUris;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Starts the real OpenIMD server on a random port, on the database of this run (see
 * {@link TestDatabase}), and gives each test a HAPI generic client for its FHIR base. All subclasses
 * share one Spring context; tests therefore make their own data unique instead of expecting an empty
 * database.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Metrics export is off in Spring Boot tests unless asked for; /actuator/prometheus is part of the product.
@AutoConfigureObservability
@ExtendWith(TestDatabase.AvailableCondition.class)
public abstract class BaseServerIT {

	protected static final FhirContext FHIR = FhirContext.forR4Cached();

	/** The server's de-identification key in these tests, so that a test can tell whose pseudonym it sees. */
	protected static final String DEID_KEY = "b3BlbmltZC1pbnRlZ3JhdGlvbi10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldA";

	static {
		FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
		// The first $validate loads the core definitions, which takes seconds on a small machine.
		FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
		// Awaitility would fail a test's wait with any exception thrown meanwhile in any thread of this JVM:
		// among them HAPI's subscription channel handing a message to the listener of a server context an
		// earlier test class closed (HAPI-2659), which concerns no test. A test's own failures still fail it.
		Awaitility.doNotCatchUncaughtExceptionsByDefault();
	}

	/** A browser app's origin allowed by configuration alone, as for an app registered elsewhere. */
	protected static final String CONFIGURED_BROWSER_ORIGIN = "https://gallery.example";

	@LocalServerPort
	protected int port;

	protected IGenericClient client;

	@DynamicPropertySource
	static void useDatabaseOfThisRun(DynamicPropertyRegistry theRegistry) {
		TestDatabase.current().springProperties().forEach((key, value) -> theRegistry.add(key, () -> value));
		// A free port, so that a server already running on 2575 on this machine does not get in the way.
		theRegistry.add("openimd.mllp.port", () -> "0");
		// Mutual TLS on MLLP, as a networked deployment runs it; test senders hold TestTls's key.
		TestTls.mllpBundle().forEach((key, value) -> theRegistry.add(key, () -> value));
		// Plain HTTP keeps every test's client simple; PackagedServerIT checks the HTTPS default.
		theRegistry.add("server.ssl.enabled", () -> "false");
		// As behind that proxy: X-Forwarded-For from loopback names the client, so a test can come from an address of its own.
		theRegistry.add("server.forward-headers-strategy", () -> "native");
		theRegistry.add("openimd.ingest.application-ack-routes[" + ReturnRouteReceiver.SENDING_APPLICATION + "]",
				() -> "localhost:" + ReturnRouteReceiver.shared().port());
		theRegistry.add("openimd.ingest.application-ack-routes[" + ReturnRouteReceiver.UNREACHABLE_APPLICATION + "]",
				() -> "localhost:" + ReturnRouteReceiver.closedPort());
		theRegistry.add("openimd.ingest.application-ack-attempts", () -> "2");
		TestClients.registrations().forEach((key, value) -> theRegistry.add(key, () -> value));
		theRegistry.add("openimd.deid.hmac-key", () -> DEID_KEY);
		theRegistry.add("openimd.auth.cors-origins", () -> CONFIGURED_BROWSER_ORIGIN);
		// Test subscribers listen on loopback HTTP; heartbeats are looked for often enough for a test to hear one.
		theRegistry.add("openimd.subscriptions.allow-loopback-http", () -> "true");
		theRegistry.add("openimd.subscriptions.heartbeat-check-every", () -> "PT1S");
	}

	/** An access token of {@link TestClients#FULL_ACCESS}, which every helper here sends. */
	protected String accessToken;

	@BeforeEach
	void connectClient() throws Exception {
		accessToken = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
		client = FHIR.newRestfulGenericClient(fhirBase());
		client.registerInterceptor(new BearerTokenAuthInterceptor(accessToken));
	}

	/** A request to {@code thePath} on this server, with the full-access token. */
	protected HttpRequest.Builder authorized(String thePath) {
		return HttpRequest.newBuilder(URI.create(baseUrl() + thePath)).header("Authorization", "Bearer " + accessToken);
	}

	protected String baseUrl() {
		return "http://localhost:" + port;
	}

	protected String fhirBase() {
		return baseUrl() + "/fhir";
	}

	/**
	 * Posts a resource, as an integrator would, to {@code [type]/$validate}, with an optional query
	 * such as {@code ?profile=…}, and returns the OperationOutcome.
	 */
	protected OperationOutcome validate(String theType, String theResourceJson, String theQuery) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient().send(
				authorized("/fhir/" + theType + "/$validate" + theQuery)
						.header("Content-Type", "application/fhir+json")
						.POST(HttpRequest.BodyPublishers.ofString(theResourceJson))
						.build(),
				HttpResponse.BodyHandlers.ofString());
		return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
	}

	/** The AuditEvents {@code theQuery} finds that {@code theWanted} accepts, once there is one: the trail is written in the background. */
	protected List<AuditEvent> auditEventsEventually(String theQuery, Predicate<AuditEvent> theWanted) {
		return await().atMost(Duration.ofSeconds(20)).until(() -> client.search().byUrl("AuditEvent?" + theQuery + "&_sort=-date&_count=100")
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (AuditEvent) entry.getResource()).filter(theWanted).toList(),
				found -> !found.isEmpty());
	}

	@Autowired
	private UserAccounts myAccounts;

	/**
	 * An access token of a new person of {@code theRole} (a Patient or Practitioner as {@code
	 * theFhirUser}), earned the way people earn one: the public app's authorization code flow with
	 * password and authenticator code, then the code exchanged.
	 */
	protected String personToken(Role theRole, String theFhirUser, String theScope) throws Exception {
		return personToken(theRole, theFhirUser, null, theScope);
	}

	/** The same, for a person who acts for {@code theOrganization} (a pharmacist's pharmacy, a manufacturer), or null. */
	protected String personToken(Role theRole, String theFhirUser, String theOrganization, String theScope) throws Exception {
		String password = "person token " + UUID.randomUUID();
		UserAccount person = myAccounts.create("it-" + theRole.name().toLowerCase(Locale.ROOT) + "-" + UUID.randomUUID(), password,
				theRole, Optional.ofNullable(theFhirUser), Optional.ofNullable(theOrganization));
		AppAuthorization app = new AppAuthorization(baseUrl());
		Map<String, String> redirect = app.authorize(app.authorizationUrl(TestClients.PUBLIC_APP, theScope, Map.of()), person, password);
		return AppAuthorization.json(app.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code"))).get("access_token").asText();
	}

	/** A client of this server's FHIR API that sends {@code theToken}. */
	protected IGenericClient as(String theToken) {
		IGenericClient caller = FHIR.newRestfulGenericClient(fhirBase());
		caller.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return caller;
	}

	/** The HTTP status with which {@code theCall} is refused; fails when it is not refused. */
	protected static int refusal(Runnable theCall) {
		BaseServerResponseException refused = catchThrowableOfType(theCall::run, BaseServerResponseException.class);
		assertThat(refused).as("refused").isNotNull();
		return refused.getStatusCode();
	}

	/** Stores {@code theResource} with the full-access token and returns its id. */
	protected String stored(IBaseResource theResource) {
		return client.create().resource(theResource).execute().getId().getIdPart();
	}

	/** An identifier no other test run has used, so searches find only this test's data. */
	public static Identifier uniqueIdentifier() {
		return new Identifier().setSystem("urn:openimd:test").setValue(UUID.randomUUID().toString());
	}

	/** Posts an ER7 message to {@code /hl7v2}, as a sender without MLLP would, and returns the ACK. */
	protected String postHl7v2(String theMessage) throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient().send(authorized("/hl7v2")
						.header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE)
						.POST(HttpRequest.BodyPublishers.ofByteArray(theMessage.getBytes(StandardCharsets.ISO_8859_1)))
						.build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.ISO_8859_1));
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).contains(OpenImdUris.HL7V2_ER7_MEDIA_TYPE);
		return response.body();
	}

	protected static <T extends IBaseResource> T single(Bundle theBundle, Class<T> theType) {
		assertThat(theBundle.getEntry()).as("matches for " + theType.getSimpleName()).hasSize(1);
		return theType.cast(theBundle.getEntry().get(0).getResource());
	}
}
