package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.server.security.CrossPatientSuite.ids;
import static org.openimd.server.security.SmartAppLaunchIT.assertThatForbidden;
import static org.openimd.server.security.SmartAppLaunchIT.create;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * SMART v2 granular scopes ({@code patient/Observation.rs?category=…}): patient A has a vital sign, a
 * laboratory result and a survey; an app holding category scopes sees, finds and writes only what
 * they name, as Inferno's fine-grained scope tests check.
 */
class GranularScopeIT extends BaseServerIT {

	private static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category";

	@Autowired
	UserAccounts accounts;

	SmartAppLaunchIT.World world;
	String laboratory;
	String survey;

	@BeforeEach
	void patientWithThreeCategories() {
		world = SmartAppLaunchIT.twoPatients(client);
		laboratory = create(client, observation(world.patientA(), "laboratory"));
		survey = create(client, observation(world.patientA(), "survey"));
	}

	@Test
	void aCategoryScopeFindsReadsAndExportsThatCategoryOnly() throws Exception {
		IGenericClient app = appOfA("patient/Patient.rs patient/Observation.rs?category=" + CATEGORY + "|vital-signs");

		assertThat(ids(app.search().forResource(Observation.class).returnBundle(Bundle.class).execute()))
				.containsExactly(world.observationA());
		assertThat(ids(app.search().forResource(Observation.class).where(Observation.CATEGORY.exactly().code("laboratory"))
				.returnBundle(Bundle.class).execute())).isEmpty();
		assertThat(app.read().resource(Observation.class).withId(world.observationA()).execute().getIdElement().getIdPart())
				.isEqualTo(world.observationA());
		assertThatForbidden(() -> app.read().resource(Observation.class).withId(laboratory).execute());
		assertThatForbidden(() -> app.read().resource(Observation.class).withId(world.observationB()).execute());

		Bundle everything = app.operation().onInstance(new IdType("Patient", world.patientA())).named("$everything")
				.withNoParameters(Parameters.class).returnResourceType(Bundle.class).execute();
		assertThat(ids(everything)).contains(world.patientA(), world.observationA()).doesNotContain(laboratory, survey);
	}

	@Test
	void categoryScopesCombineAsAUnion() throws Exception {
		IGenericClient app = appOfA("patient/Observation.rs?category=" + CATEGORY + "|vital-signs patient/Observation.rs?category="
				+ CATEGORY + "|laboratory");

		assertThat(ids(app.search().forResource(Observation.class).returnBundle(Bundle.class).execute()))
				.containsExactlyInAnyOrder(world.observationA(), laboratory);
		assertThatForbidden(() -> app.read().resource(Observation.class).withId(survey).execute());
	}

	@Test
	void aCategoryScopeWritesThatCategoryOnly() throws Exception {
		IGenericClient app = appOfA("patient/Observation.crs?category=" + CATEGORY + "|vital-signs");

		assertThat(app.create().resource(SmartAppLaunchIT.vitalSign(world.patientA())).execute().getCreated()).isTrue();
		assertThatForbidden(() -> app.create().resource(observation(world.patientA(), "laboratory")).execute());
		Observation relabelled = client.read().resource(Observation.class).withId(world.observationA()).execute();
		relabelled.getCategoryFirstRep().getCodingFirstRep().setCode("laboratory");
		assertThatForbidden(() -> app.update().resource(relabelled).execute());
	}

	private IGenericClient appOfA(String theScopes) throws Exception {
		UserAccount patientA = accounts.create("it-granular-" + UUID.randomUUID(), SmartAppLaunchIT.PASSWORD, Role.PATIENT,
				Optional.of("Patient/" + world.patientA()), Optional.empty());
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, "launch/patient " + theScopes, Map.of()),
				patientA, SmartAppLaunchIT.PASSWORD);
		JsonNode tokens = AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code")));
		assertThat(tokens.get("scope").asText().split(" ")).as("granted as asked").contains(theScopes.split(" "));
		IGenericClient app = FHIR.newRestfulGenericClient(fhirBase());
		app.registerInterceptor(new BearerTokenAuthInterceptor(tokens.get("access_token").asText()));
		return app;
	}

	private static Observation observation(String thePatient, String theCategory) {
		Observation observation = SmartAppLaunchIT.vitalSign(thePatient);
		observation.getCategoryFirstRep().getCodingFirstRep().setCode(theCategory);
		return observation;
	}
}
