package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openimd.server.security.SmartAppLaunchIT.assertThatForbidden;
import static org.openimd.server.security.SmartAppLaunchIT.create;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The audit trail as an administrator reads it: an IHE BALP AuditEvent for every RESTful interaction,
 * sign-in step, token issued and refused request, tied to the access token by its {@code jti}; and a
 * trail that nobody can change and that patients' apps cannot read.
 */
class AuditTrailIT extends BaseServerIT {

	private static final String JTI = "urn:ietf:params:oauth:jti:";
	private static final String BALP_PATIENT_PROFILES = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.Patient";

	@Autowired
	UserAccounts accounts;

	@Autowired
	AuditTrail trail;

	@Test
	void everyCreateReadSearchUpdateAndDeleteIsAuditedUnderTheTokenThatDidIt() throws Exception {
		String token = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, "system/Patient.cruds");
		IGenericClient system = clientWith(token);

		String id = create(system, new Patient().addIdentifier(uniqueIdentifier()));
		Patient patient = system.read().resource(Patient.class).withId(id).execute();
		system.search().forResource(Patient.class).where(Patient.RES_ID.exactly().code(id)).returnBundle(Bundle.class).execute();
		system.update().resource(patient.setActive(true)).execute();
		system.delete().resourceById(new IdType("Patient", id)).execute();

		List<AuditEvent> events = auditEventsEventually("policy=" + JTI + jti(token), 6).stream()
				.filter(event -> event.getType().getCode().equals("rest")).toList();
		assertThat(events).extracting(event -> event.getSubtypeFirstRep().getCode())
				.containsExactlyInAnyOrder("create", "read", "search-type", "update", "delete");
		assertThat(events).allSatisfy(event -> {
			assertThat(event.getType().getCode()).isEqualTo("rest");
			assertThat(event.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
			assertThat(event.getMeta().getProfile()).singleElement().satisfies(profile -> assertThat(profile.getValue()).startsWith(BALP_PATIENT_PROFILES));
			assertThat(event.getEntity()).anySatisfy(entity -> {
				assertThat(entity.getRole().getCode()).isEqualTo("1");
				// a delete event names the deleted patient by identifier; storage refuses references to deleted resources
				assertThat(entity.getWhat().hasReference() ? entity.getWhat().getReference() : entity.getWhat().getIdentifier().getValue())
						.isEqualTo("Patient/" + id);
			});
			assertThat(event.getAgent()).anySatisfy(agent -> assertThat(agent.getWho().getIdentifier().getValue()).isEqualTo(TestClients.FULL_ACCESS));
			assertThat(event.getAgent()).filteredOn(AuditEvent.AuditEventAgentComponent::getRequestor).singleElement()
					.satisfies(requestor -> assertThat(requestor.getPolicy()).extracting(policy -> policy.getValue()).containsExactly(JTI + jti(token)));
		});
	}

	@Test
	void anEventTheDatabaseRefusesDoesNotTakeTheOthersOfItsBatchWithIt() {
		String marker = "batch-" + UUID.randomUUID();
		String patient = "Patient/" + create(client, new Patient().addIdentifier(uniqueIdentifier()));

		trail.record(eventAbout(patient, marker + "-first"));
		trail.record(eventAbout("Patient/" + UUID.randomUUID(), marker + "-refused"));
		trail.record(eventAbout(patient, marker + "-last"));

		assertThat(auditEventsEventually("entity-name=" + marker, 2)).extracting(event -> event.getEntityFirstRep().getName())
				.containsExactlyInAnyOrder(marker + "-first", marker + "-last");
	}

	/** An event naming {@code theResource}, which storage refuses when no such resource exists. */
	private static AuditEvent eventAbout(String theResource, String theName) {
		AuditEvent event = new AuditEvent().setAction(AuditEvent.AuditEventAction.R).setOutcome(AuditEvent.AuditEventOutcome._0);
		event.getType().setSystem("http://dicom.nema.org/resources/ontology/DCM").setCode("110112");
		event.getSource().getObserver().setDisplay("AuditTrailIT");
		event.addEntity().setName(theName).getWhat().setReference(theResource);
		return event;
	}

	@Test
	void tokensIssuedAndRequestsRefusedAreAudited() throws Exception {
		String limited = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, "system/Patient.rs");
		String withoutToken = "/fhir/Observation/" + UUID.randomUUID();

		assertThat(send(HttpRequest.newBuilder(URI.create(baseUrl() + withoutToken))).statusCode()).isEqualTo(401);
		assertThat(send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Observation?code=8867-4"))
				.header("Authorization", "Bearer " + limited)).statusCode()).isEqualTo(403);

		AuditEvent anonymous = auditEventsEventually("entity-name=" + withoutToken, 1).get(0);
		assertThat(anonymous.getType().getCode()).isEqualTo("110113");
		assertThat(anonymous.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
		assertThat(anonymous.getOutcomeDesc()).isEqualTo("401 GET " + withoutToken);
		List<AuditEvent> ofLimitedToken = auditEventsEventually("policy=" + JTI + jti(limited), 2);
		assertThat(ofLimitedToken).anySatisfy(issued -> {
			assertThat(issued.getSubtypeFirstRep().getCode()).isEqualTo("ITI-71");
			assertThat(issued.getOutcomeDesc()).isEqualTo("client_credentials granted system/Patient.rs");
			assertThat(issued.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(TestClients.FULL_ACCESS);
		});
		assertThat(ofLimitedToken).anySatisfy(refused -> {
			assertThat(refused.getSubtypeFirstRep().getCode()).isEqualTo("110132");
			assertThat(refused.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
			assertThat(refused.getOutcomeDesc()).isEqualTo("403 GET /fhir/Observation");
		});
	}

	@Test
	void failedAndSuccessfulSignInAndThePersonsTokenAreAudited() throws Exception {
		String record = create(client, new Patient().addIdentifier(uniqueIdentifier()));
		UserAccount person = accounts.create("it-audit-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PATIENT,
				Optional.of("Patient/" + record), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		String form = flow.get(baseUrl() + "/auth/login").body();
		assertThat(flow.post("/auth/login", Map.of("username", person.username(), "password", "not the password",
				"_csrf", AppAuthorization.hidden(form).get("_csrf"))).headers().firstValue("Location")).hasValueSatisfying(
						location -> assertThat(location).endsWith("/auth/login?error"));
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "openid patient/Patient.rs", Map.of()),
				person, SmartAppLaunchIT.PASSWORD);
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code")));

		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(signInsOf(person.username()))
				.containsExactlyInAnyOrder("password: REJECTED/4", "password: ACCEPTED/0", "authenticator code: ACCEPTED/0"));
		AuditEvent issued = auditEventsEventually("policy=" + JTI + jti(tokens.get("access_token").asText()), 1).get(0);
		assertThat(issued.getOutcomeDesc()).startsWith("authorization_code granted ");
		assertThat(issued.getAgent()).extracting(agent -> agent.getWho().getIdentifier().getValue())
				.containsExactlyInAnyOrder(TestClients.PUBLIC_APP, person.username());
	}

	@Test
	void nobodyCreatesChangesOrDeletesAnAuditEventThroughTheApi() throws Exception {
		String token = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, "system/Patient.rs");
		clientWith(token).search().forResource(Patient.class).returnBundle(Bundle.class).execute();
		AuditEvent recorded = auditEventsEventually("policy=" + JTI + jti(token), 1).get(0);

		AuditEvent forged = recorded.copy();
		forged.setId((String) null);
		assertThatForbidden(() -> client.create().resource(forged).execute());
		assertThatForbidden(() -> client.update().resource(recorded.copy().setOutcomeDesc("nothing happened")).execute());
		assertThatForbidden(() -> client.delete().resourceById(recorded.getIdElement().toUnqualifiedVersionless()).execute());
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(forged.copy()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("AuditEvent");
		assertThatForbidden(() -> client.transaction().withBundle(transaction).execute());

		AuditEvent reread = client.read().resource(AuditEvent.class).withId(recorded.getIdElement().toUnqualifiedVersionless()).execute();
		assertThat(reread.getMeta().getVersionId()).isEqualTo("1");
		assertThat(reread.getOutcomeDesc()).isEqualTo(recorded.getOutcomeDesc());
	}

	@Test
	void aPatientsAppCannotReadTheAuditTrailNotEvenItsOwn() throws Exception {
		SmartAppLaunchIT.World world = SmartAppLaunchIT.twoPatients(client);
		UserAccount patient = accounts.create("it-audit-patient-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PATIENT,
				Optional.of("Patient/" + world.patientA()), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "openid launch/patient patient/*.rs", Map.of()),
				patient, SmartAppLaunchIT.PASSWORD);
		String token = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code"))).get("access_token").asText();
		IGenericClient app = clientWith(token);
		app.read().resource(Patient.class).withId(world.patientA()).execute();
		// The patient's own reads are in the trail, naming the patient as the reader.
		assertThat(auditEventsEventually("policy=" + JTI + jti(token) + "&subtype=read", 1).get(0).getAgent())
				.anySatisfy(agent -> assertThat(agent.getWho().getReference()).isEqualTo("Patient/" + world.patientA()));

		assertThatForbidden(() -> app.search().forResource(AuditEvent.class).returnBundle(Bundle.class).execute());
		for (String including : List.of("AuditEvent:entity", "*")) {
			assertThat(app.search().byUrl("Patient?_id=" + world.patientA() + "&_revinclude=" + including).returnBundle(Bundle.class).execute()
					.getEntry()).as(including).extracting(entry -> entry.getResource().fhirType()).doesNotContain("AuditEvent").contains("Patient");
		}
		Bundle everything = app.operation().onInstance(new IdType("Patient", world.patientA())).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();
		assertThat(everything.getEntry()).isNotEmpty().noneMatch(entry -> entry.getResource() instanceof AuditEvent);
	}

	private List<String> signInsOf(String theUsername) {
		Bundle signIns = client.search().byUrl("AuditEvent?subtype=110122&_sort=-date&_count=200").returnBundle(Bundle.class).execute();
		return signIns.getEntry().stream().map(entry -> (AuditEvent) entry.getResource())
				.filter(event -> event.getAgent().stream().anyMatch(agent -> theUsername.equals(agent.getWho().getIdentifier().getValue())))
				.map(event -> event.getOutcomeDesc() + "/" + event.getOutcome().toCode())
				.toList();
	}

	/** The AuditEvents {@code theQuery} finds once at least {@code theAtLeast} have been written; the trail writes in the background. */
	private List<AuditEvent> auditEventsEventually(String theQuery, int theAtLeast) {
		return await().atMost(Duration.ofSeconds(20)).until(() -> client.search().byUrl("AuditEvent?" + theQuery + "&_count=100")
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (AuditEvent) entry.getResource()).toList(),
				events -> events.size() >= theAtLeast);
	}

	private IGenericClient clientWith(String theToken) {
		IGenericClient other = FHIR.newRestfulGenericClient(fhirBase());
		other.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return other;
	}

	private static String jti(String theToken) throws Exception {
		return SignedJWT.parse(theToken).getJWTClaimsSet().getJWTID();
	}

	private static HttpResponse<String> send(HttpRequest.Builder theRequest) throws Exception {
		return HttpClient.newHttpClient().send(theRequest.build(), HttpResponse.BodyHandlers.ofString());
	}
}
