package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.AppAuthorization;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The pump checks and the opioid converter over HTTP, as a prescriber's system calls them: the
 * specification's scenarios, bad input, and who may call them with which pump.
 */
class PumpPrescriptionIT extends BaseServerIT {

	private static final String PASSWORD = "correct horse battery staple";

	@Autowired
	UserAccounts accounts;

	String patientA;
	String pumpOfA;
	String pumpOfB;
	String practitioner;

	@BeforeEach
	void twoPatientsWithPumpsAndAClinicianOfTheFirst() {
		// 21 years old today: below Prometra's labelled age for morphine.
		patientA = create(new Patient().setBirthDateElement(new DateType(java.time.LocalDate.now().minusYears(21).toString()))
				.addIdentifier(uniqueIdentifier()));
		String patientB = create(new Patient().addIdentifier(uniqueIdentifier()));
		pumpOfA = create(PumpInput.pump("Prometra II", "20").setPatient(new Reference("Patient/" + patientA)));
		pumpOfB = create(PumpInput.pump("8637-40", "40").setPatient(new Reference("Patient/" + patientB)));
		practitioner = create(new Practitioner().addIdentifier(uniqueIdentifier()));
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + patientA));
		team.addParticipant().setMember(new Reference("Practitioner/" + practitioner));
		create(team);
	}

	private String create(Resource theResource) {
		return client.create().resource(theResource).execute().getId().getIdPart();
	}

	private static PumpAnswer check(IGenericClient theClient, Parameters theInput) {
		return new PumpAnswer(theClient.operation().onType(MedicationRequest.class).named("$check-pump-prescription").withParameters(theInput)
				.execute());
	}

	private static PumpAnswer convert(IGenericClient theClient, Parameters theInput) {
		return new PumpAnswer(theClient.operation().onServer().named("$opioid-conversion").withParameters(theInput).execute());
	}

	/** The same input with the pump named by reference instead of sent inline. */
	private static Parameters withPump(PumpInput theInput, String thePump) {
		Parameters input = theInput.parameters();
		input.getParameter().removeIf(parameter -> parameter.getName().equals("pump"));
		input.addParameter().setName("pump").setValue(new Reference("Device/" + thePump));
		return input;
	}

	@Test
	void theSpecificationsScenariosComeBackWithStatusValuesAndRuleIds() {
		PumpAnswer baseline = check(client, PumpInput.of("Infumorph", "10", "mg/mL").basal("2", "mg/d").parameters());
		assertThat(baseline.status()).isEqualTo("ACCEPT");
		assertThat(baseline.dailyVolume()).isEqualByComparingTo("0.2");
		assertThat(baseline.refillIntervalDays()).isEqualTo(90);
		assertThat(baseline.limitingFactors()).containsExactly("volume", "stability");

		PumpAnswer overdose = check(client, PumpInput.of("morphine", "20", "mg/mL").basal("15.5", "mg/d").requestedDays(60).parameters());
		assertThat(overdose.status()).isEqualTo("REJECT");
		assertThat(overdose.errors()).containsExactly("DOSE-01", "REFILL-01");
		assertThat(overdose.outcome().getIssueFirstRep().getDetails().getText()).contains("15.5 mg/d").contains("[S1]");

		PumpAnswer admixture = check(client, PumpInput.of("baclofen", "2000", "ug/mL").and("clonidine", "100", "ug/mL").basal("200", "ug/d")
				.parameters());
		assertThat(admixture.status()).isEqualTo("ACCEPT_WITH_WARNINGS");
		assertThat(admixture.warnings()).containsExactly("ADMIX-BAC", "PUMP-03");
		assertThat(admixture.dose("Clonidine").getValue()).isEqualByComparingTo("10");
		assertThat(admixture.optimization()).as("no optimisation is offered for an admixture").isEmpty();

		PumpAnswer conversion = convert(client, OpioidConversionRulesTest.conversion("morphine", "intrathecal", "oxycodone", "oral", "30", "mg/d"));
		assertThat(conversion.status()).isEqualTo("OK");
		assertThat(conversion.quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("0.15");
		assertThat(conversion.quantity("suggestedStartDailyDose").getValue()).isEqualByComparingTo("0.075");
	}

	@Test
	void aStoredPumpAndTheSubjectsBirthDateAreReadWhenNamedByReference() {
		PumpInput prescription = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
		prescription.request().setSubject(new Reference("Patient/" + patientA));
		PumpAnswer answer = check(client, withPump(prescription, pumpOfA));
		assertThat(answer.errors()).containsExactly("PUMP-07");
	}

	@Test
	void badInputIsA400WithAnOperationOutcomePointingAtIt() {
		PumpInput input = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mmol/d");
		InvalidRequestException refused = catchThrowableOfType(() -> check(client, input.parameters()), InvalidRequestException.class);
		OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
		assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("mmol/d");
		assertThat(outcome.getIssueFirstRep().getExpression()).isNotEmpty();
		assertThat(catchThrowableOfType(() -> check(client, withPump(PumpInput.of("morphine", "10", "mg/mL")
				.basal("1", "mg/d"), "does-not-exist")), InvalidRequestException.class).getMessage()).contains("cannot read Device/does-not-exist");
	}

	@Test
	void withoutATokenBothOperationsAre401() throws Exception {
		HttpClient http = HttpClient.newHttpClient();
		for (String path : new String[] {"/MedicationRequest/$check-pump-prescription", "/$opioid-conversion"}) {
			HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(fhirBase() + path))
					.header("Content-Type", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(PumpInput.of("morphine", "10", "mg/mL")
							.basal("1", "mg/d").parameters()))).build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).as(path).isEqualTo(401);
		}
	}

	@Test
	void aPatientAndASystemWithoutAPrescriptionScopeMayNotUseThem() throws Exception {
		UserAccount patient = accounts.create("it-pump-patient-" + UUID.randomUUID(), PASSWORD, Role.PATIENT, Optional.of("Patient/" + patientA),
				Optional.empty());
		IGenericClient patientApp = clientWith(tokenOf(patient, "launch/patient patient/*.cruds"));
		assertThatForbidden(() -> check(patientApp, PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").parameters()));
		assertThatForbidden(() -> convert(patientApp, OpioidConversionRulesTest.conversion("morphine", "intrathecal", "morphine", "oral", "30", "mg/d")));

		IGenericClient deviceReader = clientWith(TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES));
		assertThatForbidden(() -> check(deviceReader, PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").parameters()));
	}

	@Test
	void aClinicianChecksWithTheirPatientsPumpButCannotReadAnotherPatientsPumpThroughTheCheck() throws Exception {
		UserAccount clinician = accounts.create("it-pump-clinician-" + UUID.randomUUID(), PASSWORD, Role.CLINICIAN,
				Optional.of("Practitioner/" + practitioner), Optional.empty());
		IGenericClient app = clientWith(tokenOf(clinician, "user/*.cruds"));
		PumpInput prescription = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").age(40);
		assertThat(check(app, withPump(prescription, pumpOfA)).status()).isEqualTo("ACCEPT");
		// Another patient's pump is out of the clinician's reach, and the check cannot tell it from one that does not exist.
		InvalidRequestException unreadable = catchThrowableOfType(() -> check(app, withPump(prescription, pumpOfB)), InvalidRequestException.class);
		assertThat(unreadable.getMessage()).contains("cannot read Device/" + pumpOfB);
		assertThat(convert(app, OpioidConversionRulesTest.conversion("morphine", "intrathecal", "morphine", "oral", "30", "mg/d")).status())
				.isEqualTo("OK");
	}

	private String tokenOf(UserAccount thePerson, String theScope) throws Exception {
		AppAuthorization flow = new AppAuthorization(baseUrl());
		Map<String, String> redirect = flow.authorize(flow.authorizationUrl(TestClients.PUBLIC_APP, theScope, Map.of()), thePerson, PASSWORD);
		return AppAuthorization.json(flow.exchangeCode(TestClients.PUBLIC_APP, null, redirect.get("code"))).get("access_token").asText();
	}

	private IGenericClient clientWith(String theToken) {
		IGenericClient app = FHIR.newRestfulGenericClient(fhirBase());
		app.registerInterceptor(new BearerTokenAuthInterceptor(theToken));
		return app;
	}

	/** Refused: 403, or 401 for no token; never an answer. */
	private static void assertThatForbidden(Runnable theCall) {
		BaseServerResponseException refused = catchThrowableOfType(theCall::run, BaseServerResponseException.class);
		assertThat(refused).as("the call was refused").isNotNull();
		assertThat(refused.getStatusCode()).isIn(403, AuthenticationException.STATUS_CODE);
	}
}
