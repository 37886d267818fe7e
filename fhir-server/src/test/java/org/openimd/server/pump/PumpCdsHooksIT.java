package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.gclient.StringClientParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.terminology.OpenImdUris;

/**
 * The pump checks as CDS Hooks services, called as an EHR calls them: a JWT the EHR signs itself,
 * draft orders in the context, the patient and the pumps prefetched. The cards carry the same rule
 * IDs and refill interval as {@code $check-pump-prescription}.
 */
class PumpCdsHooksIT extends BaseServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final String SIGN = "openimd-pump-order-sign";
	private static final String SELECT = "openimd-pump-order-select";
	/** Ids on the EHR's own FHIR server, which OpenIMD never sees stored. */
	private static final String EHR_PATIENT = "ehr-patient-7";
	private static final String EHR_PUMP = "ehr-pump-3";

	private String serviceUrl(String theService) {
		return baseUrl() + "/cds-services/" + theService;
	}

	/** The JWT CDS Hooks has the client sign for each call, here with a test system client's registered key. */
	private String clientJwt(String theClientId, String theAudience, Duration theLifetime, String theJti) {
		return TestClients.assertion(theClientId, theAudience, theLifetime, theJti);
	}

	private HttpResponse<String> call(String theService, String theBearer, JsonNode theBody) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(serviceUrl(theService))).header("Content-Type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(theBody)));
		if (theBearer != null) {
			request.header("Authorization", "Bearer " + theBearer);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private List<JsonNode> cards(String theService, JsonNode theBody) throws Exception {
		HttpResponse<String> response = call(theService, clientJwt(TestClients.FULL_ACCESS, serviceUrl(theService), Duration.ofMinutes(1),
				UUID.randomUUID().toString()), theBody);
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return StreamSupport.stream(JSON.readTree(response.body()).path("cards").spliterator(), false).toList();
	}

	/** A draft order on the EHR: intrathecal, for the EHR's patient, naming the EHR's pump. */
	private static MedicationRequest draft(String theId, PumpInput theInput) {
		MedicationRequest order = theInput.request().copy();
		order.setId(theId);
		order.setStatus(MedicationRequest.MedicationRequestStatus.DRAFT);
		order.setSubject(new Reference("Patient/" + EHR_PATIENT));
		order.addSupportingInformation(new Reference("Device/" + EHR_PUMP));
		order.getDosageInstruction().forEach(dosage -> dosage.setRoute(new CodeableConcept(new Coding(OpenImdUris.SNOMED_CT,
				OpenImdUris.INTRATHECAL_ROUTE, "Intrathecal route"))));
		return order;
	}

	private static ObjectNode hookRequest(String theHook, List<MedicationRequest> theDrafts, boolean thePrefetchPump) throws Exception {
		Bundle drafts = new Bundle().setType(Bundle.BundleType.COLLECTION);
		theDrafts.forEach(order -> drafts.addEntry().setResource(order));
		ObjectNode request = JSON.createObjectNode().put("hook", theHook).put("hookInstance", UUID.randomUUID().toString());
		ObjectNode context = request.putObject("context").put("userId", "Practitioner/ehr-1").put("patientId", EHR_PATIENT);
		context.set("draftOrders", fhir(drafts));
		ObjectNode prefetch = request.putObject("prefetch");
		Patient patient = new Patient().setBirthDateElement(new DateType(LocalDate.now().minusYears(50).toString()));
		patient.setId(EHR_PATIENT);
		prefetch.set("patient", fhir(patient));
		Bundle devices = new Bundle().setType(Bundle.BundleType.SEARCHSET);
		if (thePrefetchPump) {
			Device pump = PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + EHR_PATIENT));
			pump.setId(EHR_PUMP);
			devices.addEntry().setResource(pump);
		}
		prefetch.set("devices", fhir(devices));
		return request;
	}

	private static JsonNode fhir(org.hl7.fhir.r4.model.Resource theResource) throws Exception {
		return JSON.readTree(FHIR.newJsonParser().encodeResourceToString(theResource));
	}

	private static List<String> rules(List<JsonNode> theCards, String theIndicator) {
		return theCards.stream().filter(card -> card.path("indicator").asText().equals(theIndicator))
				.map(card -> card.path("source").path("topic").path("code").asText()).toList();
	}

	@Test
	void discoveryListsBothHooksWithTheirPrefetchAndNeedsNoToken() throws Exception {
		HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/cds-services")).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode services = JSON.readTree(response.body()).path("services");
		assertThat(services.findValuesAsText("id")).contains(SELECT, SIGN);
		for (JsonNode service : services) {
			if (service.path("id").asText().equals(SIGN)) {
				assertThat(service.path("hook").asText()).isEqualTo("order-sign");
				assertThat(service.path("prefetch").path("patient").asText()).isEqualTo("Patient/{{context.patientId}}");
				assertThat(service.path("prefetch").path("devices").asText()).isEqualTo("Device?patient={{context.patientId}}");
			}
		}
	}

	@Test
	void anOrderTheServerWouldRefuseGetsCriticalCardsWithTheOperationsRuleIds() throws Exception {
		PumpInput overdose = PumpInput.of("morphine", "20", "mg/mL").basal("16", "mg/d");
		List<JsonNode> cards = cards(SIGN, hookRequest("order-sign", List.of(draft("draft-1", overdose)), true));

		PumpAnswer operation = new PumpAnswer(client.operation().onType(MedicationRequest.class).named("$check-pump-prescription")
				.withParameters(overdose.parameters()).execute());
		assertThat(operation.status()).isEqualTo("REJECT");
		assertThat(rules(cards, "critical")).containsExactlyInAnyOrderElementsOf(operation.errors()).contains("DOSE-01");
		assertThat(rules(cards, "warning")).containsExactlyInAnyOrderElementsOf(operation.warnings());
		assertThat(cards).allSatisfy(card -> {
			assertThat(card.path("summary").asText().length()).isLessThan(140);
			assertThat(card.path("uuid").asText()).isNotBlank();
			assertThat(card.path("source").path("label").asText()).contains("knowledge");
		});
		assertThat(rules(cards, "info")).as("no refill interval for a refused order").isEmpty();
	}

	@Test
	void anAcceptableOrderGetsItsWarningsAndTheRefillIntervalTheOperationComputes() throws Exception {
		PumpInput offLabel = PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d");
		List<JsonNode> cards = cards(SIGN, hookRequest("order-sign", List.of(draft("draft-2", offLabel)), true));

		PumpAnswer operation = new PumpAnswer(client.operation().onType(MedicationRequest.class).named("$check-pump-prescription")
				.withParameters(offLabel.parameters()).execute());
		assertThat(rules(cards, "warning")).containsExactlyInAnyOrderElementsOf(operation.warnings()).contains("PUMP-03");
		assertThat(rules(cards, "critical")).isEmpty();
		assertThat(cards).filteredOn(card -> card.path("indicator").asText().equals("info")).singleElement()
				.satisfies(card -> assertThat(card.path("summary").asText())
						.startsWith("Refill within " + operation.refillIntervalDays() + " days (limited by "
								+ String.join(", ", operation.limitingFactors()) + ")"));
	}

	@Test
	void orderSelectChecksOnlyTheSelectedOrders() throws Exception {
		ObjectNode request = hookRequest("order-select", List.of(draft("selected", PumpInput.of("morphine", "20", "mg/mL").basal("16", "mg/d")),
				draft("not-selected", PumpInput.of("morphine", "30", "mg/mL").basal("20", "mg/d"))), true);
		((ObjectNode) request.path("context")).putArray("selections").add("MedicationRequest/selected");
		List<JsonNode> cards = cards(SELECT, request);

		assertThat(cards).isNotEmpty().allSatisfy(card -> assertThat(card.path("detail").asText()).contains("MedicationRequest/selected"));
	}

	@Test
	void anIntrathecalOrderWhosePumpTheEhrDidNotSendGetsACriticalCardAndAnOralOrderNone() throws Exception {
		List<JsonNode> withoutPump = cards(SIGN, hookRequest("order-sign",
				List.of(draft("draft-3", PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"))), false));
		assertThat(withoutPump).singleElement().satisfies(card -> {
			assertThat(card.path("indicator").asText()).isEqualTo("critical");
			assertThat(card.path("detail").asText()).contains("supportingInformation");
		});

		MedicationRequest oral = draft("draft-4", PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"));
		oral.getSupportingInformation().clear();
		oral.getDosageInstruction().forEach(dosage -> dosage.setRoute(new CodeableConcept(new Coding(OpenImdUris.SNOMED_CT, "26643006",
				"Oral route"))));
		assertThat(cards(SIGN, hookRequest("order-sign", List.of(oral), true))).isEmpty();
	}

	@Test
	void aPumpContainedInTheOrderIsUsedAsIs() throws Exception {
		MedicationRequest order = draft("draft-5", PumpInput.of("morphine", "20", "mg/mL").basal("16", "mg/d"));
		order.getSupportingInformation().clear();
		Device contained = PumpInput.pump("8637-20", "20");
		contained.setId("pump");
		order.addContained(contained);
		order.addSupportingInformation(new Reference("#pump"));
		assertThat(rules(cards(SIGN, hookRequest("order-sign", List.of(order), false)), "critical")).contains("DOSE-01");
	}

	@Test
	void onlyARegisteredPrescribingSystemsOwnFreshJwtForThisServiceIsAccepted() throws Exception {
		ObjectNode body = hookRequest("order-sign", List.of(draft("draft-6", PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"))), true);
		assertThat(call(SIGN, null, body).statusCode()).as("no JWT").isEqualTo(401);
		assertThat(call(SIGN, accessToken, body).statusCode()).as("an access token is not the client's own JWT").isEqualTo(401);
		assertThat(call(SIGN, clientJwt(TestClients.FULL_ACCESS, serviceUrl(SELECT), Duration.ofMinutes(1), UUID.randomUUID().toString()), body)
				.statusCode()).as("a JWT for another service").isEqualTo(401);
		assertThat(call(SIGN, clientJwt(TestClients.FULL_ACCESS, serviceUrl(SIGN), Duration.ofMinutes(10), UUID.randomUUID().toString()), body)
				.statusCode()).as("a JWT living ten minutes").isEqualTo(401);
		assertThat(call(SIGN, clientJwt("not-registered", serviceUrl(SIGN), Duration.ofMinutes(1), UUID.randomUUID().toString()), body)
				.statusCode()).as("an unknown client").isEqualTo(401);

		String jwt = clientJwt(TestClients.FULL_ACCESS, serviceUrl(SIGN), Duration.ofMinutes(1), UUID.randomUUID().toString());
		assertThat(call(SIGN, jwt, body).statusCode()).isEqualTo(200);
		assertThat(call(SIGN, jwt, body).statusCode()).as("the same JWT again").isEqualTo(401);

		assertThat(call(SIGN, clientJwt(TestClients.DEVICE_READER, serviceUrl(SIGN), Duration.ofMinutes(1), UUID.randomUUID().toString()), body)
				.statusCode()).as("a system without a MedicationRequest scope").isEqualTo(403);
		assertThat(call("no-such-service", clientJwt(TestClients.FULL_ACCESS, serviceUrl("no-such-service"), Duration.ofMinutes(1),
				UUID.randomUUID().toString()), body).statusCode()).isEqualTo(404);
	}

	@Test
	void everyCallIsAuditedWithTheClientAndTheEhrsPatient() throws Exception {
		String patient = "audited-" + UUID.randomUUID();
		ObjectNode body = hookRequest("order-sign", List.of(draft("draft-7", PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d"))), true);
		((ObjectNode) body.path("context")).put("patientId", patient);
		cards(SIGN, body);

		Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			List<AuditEvent> events = new ArrayList<>();
			client.search().forResource(AuditEvent.class).where(new StringClientParam("entity-name").matchesExactly().value("cds-services/" + SIGN))
					.sort().descending("date").count(50).returnBundle(Bundle.class).execute().getEntry().forEach(entry -> events.add((AuditEvent) entry.getResource()));
			assertThat(events).anySatisfy(event -> {
				assertThat(event.getOutcomeDesc()).isEqualTo("CDS Hooks service " + SIGN);
				assertThat(event.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo(TestClients.FULL_ACCESS);
				assertThat(event.getEntity()).anySatisfy(entity -> assertThat(entity.getWhat().getDisplay()).isEqualTo("Patient/" + patient));
			});
		});
	}
}
