package org.openimd.server.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.openimd.server.subscriptions.TopicSubscriptions.FULL_RESOURCE;
import static org.openimd.server.subscriptions.TopicSubscriptions.ID_ONLY;
import static org.openimd.server.subscriptions.TopicSubscriptions.interrogationReport;
import static org.openimd.server.subscriptions.TopicSubscriptions.overWebsocket;
import static org.openimd.server.subscriptions.TopicSubscriptions.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.UnsignedIntType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.alerts.TransmissionMessages;
import org.openimd.server.pump.PumpInput;
import org.openimd.server.review.ReviewGroupInput;
import org.openimd.server.security.login.Role;
import org.openimd.server.subscriptions.TopicSubscriptions.Socket;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Topic-based subscriptions end to end: subscribers of every role on a loopback rest-hook (and one on
 * the websocket), notified of what happens through the API and the HL7 v2 ingest, and of nothing they
 * may not read, as the owner's rules stand at the moment of delivery.
 */
class SubscriptionsIT extends BaseServerIT {

	private static final String CLINICIAN_SCOPES = "openid fhirUser user/*.cruds";
	private static final String PATIENT_SCOPES = "openid fhirUser launch/patient patient/*.cruds";
	private static final Duration SOON = Duration.ofSeconds(20);
	private static final String EVENT = "event-notification";
	private static final String URGENT_OR_STAT = "Task?priority=stat,urgent";
	private static final String FINAL_REPORTS = "DiagnosticReport?status=final";
	private static final String LOW_RESERVOIRS = "DetectedIssue?code=" + OpenImdUris.ALERT_RULE_SYSTEM + "|ALERT-PUMP-01";

	private static final RestHookReceiver RECEIVER = new RestHookReceiver();

	@Autowired
	SubscriptionRegistry registry;
	@Autowired
	IInterceptorService storage;

	String patient;
	String doctor;
	String careTeam;
	String doctorToken;
	IGenericClient doctorApp;

	@AfterAll
	static void stopReceiver() {
		RECEIVER.close();
	}

	@BeforeEach
	void aPatientWithACareTeamOfOneDoctor() throws Exception {
		patient = create(new Patient().addIdentifier(uniqueIdentifier()));
		doctor = create(new Practitioner().addIdentifier(uniqueIdentifier()));
		careTeam = create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(patient))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(doctor))));
		doctorToken = personToken(Role.CLINICIAN, doctor, CLINICIAN_SCOPES);
		doctorApp = as(doctorToken);
	}

	@Test
	void aClinicianHearsOfTheirPatientsStatAlertWithinSecondsOfTheAckAndAnotherClinicianDoesNot() throws Exception {
		String serial = "SUB" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261201"));
		String ingested = reportOf(serial, "20261201").getSubject().getReference();
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(ingested))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(doctor))));
		String doctorsHook = RECEIVER.newEndpoint();
		String doctors = subscribe(doctorApp, subscription("alert", doctorsHook, FULL_RESOURCE, URGENT_OR_STAT));
		IGenericClient strangerApp = as(personToken(Role.CLINICIAN, create(new Practitioner().addIdentifier(uniqueIdentifier())), CLINICIAN_SCOPES));
		String strangersHook = RECEIVER.newEndpoint();
		subscribe(strangerApp, subscription("alert", strangersHook, FULL_RESOURCE, URGENT_OR_STAT));

		long acknowledged = System.nanoTime();
		assertThat(postHl7v2(TransmissionMessages.icdMessage(serial, "20261202", TransmissionMessages.vtEpisode(1, "20261130020000+0000"),
				TransmissionMessages.vtEpisode(2, "20261201020000+0000"), TransmissionMessages.vtEpisode(3, "20261201230000+0000"),
				"NM|737824^MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT^MDC|1|2|{shocks}"))).contains("MSA|AA|");
		Bundle notification = RECEIVER.next(doctorsHook, EVENT, SOON);
		Duration latency = Duration.ofNanos(System.nanoTime() - acknowledged);

		Parameters status = RestHookReceiver.status(notification);
		assertThat(status.getParameter("topic").getValue().primitiveValue()).isEqualTo(OpenImdUris.SUBSCRIPTION_TOPIC_BASE + "alert");
		assertThat(status.getParameter("subscription").getValue()).isInstanceOfSatisfying(Reference.class,
				subscription -> assertThat(subscription.getReference()).isEqualTo(doctors));
		assertThat(status.getParameter("events-since-subscription-start").getValue().primitiveValue()).isEqualTo("1");
		Task task = (Task) notification.getEntry().get(1).getResource();
		assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.STAT);
		assertThat(task.getFor().getReference()).isEqualTo(ingested);
		assertThat(latency).as("from the ACK to the notification").isLessThan(SOON);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> RECEIVER.nothingAt(strangersHook, EVENT));

		Bundle asked = doctorApp.operation().onInstance(new IdType(doctors)).named("$status").withNoParameters(Parameters.class)
				.returnResourceType(Bundle.class).execute();
		Parameters current = (Parameters) asked.getEntryFirstRep().getResource();
		assertThat(current.getParameter("type").getValue().primitiveValue()).isEqualTo("query-status");
		assertThat(current.getParameter("events-since-subscription-start").getValue().primitiveValue()).isEqualTo("1");
		Bundle events = doctorApp.operation().onInstance(new IdType(doctors)).named("$events").withParameter(Parameters.class, "content",
				new CodeType(FULL_RESOURCE)).returnResourceType(Bundle.class).execute();
		assertThat(((Reference) ((Parameters) events.getEntryFirstRep().getResource()).getParameter("notification-event").getPart().stream()
				.filter(part -> part.getName().equals("focus")).findFirst().orElseThrow().getValue()).getReference())
				.isEqualTo(task.getIdElement().toUnqualifiedVersionless().getValue());
		assertThat(events.getEntry()).extracting(entry -> entry.getResource().fhirType()).containsExactly("Parameters", "Task");
		assertThat(refusal(() -> strangerApp.operation().onInstance(new IdType(doctors)).named("$status").withNoParameters(Parameters.class)
				.returnResourceType(Bundle.class).execute())).as("someone else's subscription").isEqualTo(404);
	}

	@Test
	void aPatientHearsOfMessagesToThemAsIdsAndNothingOfAnotherPatientsMessages() throws Exception {
		IGenericClient patientApp = as(personToken(Role.PATIENT, patient, PATIENT_SCOPES));
		String filteredHook = RECEIVER.newEndpoint();
		subscribe(patientApp, subscription("message", filteredHook, ID_ONLY, "Communication?recipient=" + patient));
		String everythingHook = RECEIVER.newEndpoint();
		subscribe(patientApp, subscription("message", everythingHook, ID_ONLY, "Communication?status=completed"));
		String other = create(new Patient().addIdentifier(uniqueIdentifier()));
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(other))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(doctor))));

		String toOther = doctorApp.create().resource(message(other, doctor, other, "Your results are fine.")).execute().getId()
				.toUnqualifiedVersionless().getValue();
		String toPatient = doctorApp.create().resource(message(patient, doctor, patient, "Please send a transmission tonight.")).execute().getId()
				.toUnqualifiedVersionless().getValue();

		for (String hook : List.of(filteredHook, everythingHook)) {
			Bundle notification = RECEIVER.next(hook, EVENT, SOON);
			assertThat(focusOf(notification)).isEqualTo(toPatient);
			assertThat(notification.getEntry().get(1).getResource()).as("id-only").isNull();
		}
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> RECEIVER.nothingAt(everythingHook, EVENT));
		assertThat(toOther).isNotEqualTo(toPatient);
	}

	@Test
	void aPatientHearsOfInformationPublishedForThemThroughTheMessageTopic() throws Exception {
		IGenericClient patientApp = as(personToken(Role.PATIENT, patient, PATIENT_SCOPES));
		String hook = RECEIVER.newEndpoint();
		subscribe(patientApp, subscription("message", hook, ID_ONLY, "Communication?recipient=" + patient));
		Coding unusualDevice = new Coding(Mdc.SYSTEM, "it-" + UUID.randomUUID(), null);
		create(new Device().setType(new CodeableConcept(unusualDevice)).setPatient(new Reference(patient)));

		Parameters information = new Parameters();
		information.addParameter().setName("identifier").setValue(new StringType("group-" + UUID.randomUUID()));
		information.addParameter().setName("kind").setValue(new CodeType("support-group"));
		information.addParameter().setName("title").setValue(new StringType("A support group"));
		information.addParameter().setName("text").setValue(new StringType("People with this device meet on Thursdays."));
		information.addParameter().setName("deviceType").setValue(unusualDevice);
		doctorApp.operation().onServer().named("$publish-information").withParameters(information).execute();

		Bundle notification = RECEIVER.next(hook, EVENT, SOON);
		Communication heard = patientApp.read().resource(Communication.class).withId(new IdType(focusOf(notification))).execute();
		assertThat(heard.getCategory()).anyMatch(category -> category.hasCoding(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.PATIENT_INFORMATION));
	}

	@Test
	void revokingTheTokenThatCreatedASubscriptionSwitchesItOff() throws Exception {
		String token = TestClients.accessToken(baseUrl(), TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
		IGenericClient system = as(token);
		String hook = RECEIVER.newEndpoint();
		String subscription = subscribe(system, subscription("transmission", hook, ID_ONLY, "DiagnosticReport?patient=" + patient));
		String first = create(interrogationReport(patient));
		assertThat(focusOf(RECEIVER.next(hook, EVENT, SOON))).isEqualTo(first);

		HttpResponse<String> revoked = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(baseUrl() + "/oauth2/revoke"))
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&client_assertion_type="
						+ URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8) + "&client_assertion="
						+ TestClients.assertion(TestClients.FULL_ACCESS, baseUrl() + "/oauth2/token", Duration.ofMinutes(1), UUID.randomUUID().toString())))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(revoked.statusCode()).isEqualTo(200);
		create(interrogationReport(patient));

		// The same system with another token of its own: the owner, still.
		await().atMost(SOON).until(() -> client.read().resource(Subscription.class).withId(subscription).execute().getStatus(),
				Subscription.SubscriptionStatus.OFF::equals);
		assertThat(RECEIVER.nothingAt(hook, EVENT)).isTrue();
	}

	@Test
	void aClinicianWhoNoLongerCaresForThePatientHearsNothingMoreOfThem() throws Exception {
		String hook = RECEIVER.newEndpoint();
		subscribe(doctorApp, subscription("transmission", hook, ID_ONLY, FINAL_REPORTS));
		String sentinelHook = RECEIVER.newEndpoint();
		subscribe(client, subscription("transmission", sentinelHook, ID_ONLY, "DiagnosticReport?patient=" + patient));
		create(interrogationReport(patient));
		RECEIVER.next(hook, EVENT, SOON);
		RECEIVER.next(sentinelHook, EVENT, SOON);

		client.delete().resourceById(new IdType(careTeam)).execute();
		create(interrogationReport(patient));

		RECEIVER.next(sentinelHook, EVENT, SOON);
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> RECEIVER.nothingAt(hook, EVENT));
	}

	@Test
	void subscribersOfEveryRoleHearOnlyWhatTheyMayRead() throws Exception {
		String administratorHook = RECEIVER.newEndpoint();
		subscribe(as(personToken(Role.ADMIN, null, CLINICIAN_SCOPES)), subscription("transmission", administratorHook, ID_ONLY,
				"DiagnosticReport?patient=" + patient));
		String manufacturerHook = RECEIVER.newEndpoint();
		String manufacturer = create(new Organization().setName("Device maker " + UUID.randomUUID()));
		subscribe(as(personToken(Role.MANUFACTURER, null, manufacturer, CLINICIAN_SCOPES)), subscription("transmission", manufacturerHook, ID_ONLY, FINAL_REPORTS));
		String report = create(interrogationReport(patient));
		assertThat(focusOf(RECEIVER.next(administratorHook, EVENT, SOON))).isEqualTo(report);

		String reviewer = create(new Practitioner().addIdentifier(uniqueIdentifier()));
		String reviewerHook = RECEIVER.newEndpoint();
		subscribe(as(personToken(Role.REVIEWER, reviewer, CLINICIAN_SCOPES)), subscription("review", reviewerHook, FULL_RESOURCE,
				"Task?owner=" + reviewer));
		String serial = "REV" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261203"));
		String group = create(ReviewGroupInput.group(false, ReviewCodes.ASSIGN_TO_MEMBER, reviewer));
		client.operation().onServer().named("$submit-for-review").withParameters(ReviewGroupInput.submission(group,
				reportOf(serial, "20261203").getIdElement().toUnqualifiedVersionless().getValue())).returnResourceType(Task.class).execute();
		Task assignment = (Task) RECEIVER.next(reviewerHook, EVENT, SOON).getEntry().get(1).getResource();
		assertThat(assignment.getCode().getCodingFirstRep().getCode()).isEqualTo(ReviewCodes.REVIEW_ASSIGNMENT);
		assertThat(assignment.getOwner().getReference()).isEqualTo(reviewer);

		String similarHook = RECEIVER.newEndpoint();
		subscribe(doctorApp, subscription("similar-case", similarHook, ID_ONLY, "Communication?recipient=" + doctor));
		Communication notice = message(patient, null, doctor, "This data set resembles one diagnosed earlier.");
		notice.setTopic(new CodeableConcept(new Coding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.SIMILAR_CASE, null))).addCategory(notice.getTopic().copy());
		String noticed = create(notice);
		assertThat(focusOf(RECEIVER.next(similarHook, EVENT, SOON))).isEqualTo(noticed);

		String pharmacy = create(new Organization().setName("Pharmacy " + UUID.randomUUID()));
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(patient))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(pharmacy))));
		String pharmacistHook = RECEIVER.newEndpoint();
		subscribe(as(personToken(Role.PHARMACIST, null, pharmacy, CLINICIAN_SCOPES)), subscription("pump-refill-due", pharmacistHook, ID_ONLY, LOW_RESERVOIRS));
		String patientHook = RECEIVER.newEndpoint();
		subscribe(as(personToken(Role.PATIENT, patient, PATIENT_SCOPES)), subscription("pump-refill-due", patientHook, FULL_RESOURCE, LOW_RESERVOIRS));
		String pump = create(PumpInput.pump("8637-20", "20").setPatient(new Reference(patient)));
		create(PumpInput.statusReading(patient, pump, "low-reservoir"));
		Bundle refill = RECEIVER.next(patientHook, EVENT, SOON);
		assertThat(refill.getEntry().get(1).getResource().fhirType()).isEqualTo("DetectedIssue");

		// The alerts on a patient are not among the pump data a pharmacy reads; a manufacturer reads no patient's record.
		await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
				.until(() -> RECEIVER.nothingAt(pharmacistHook, EVENT) && RECEIVER.nothingAt(manufacturerHook, EVENT));
	}

	@Test
	void aSubscriptionIsItsOwnersAloneAndOnlyWellFormedTopicSubscriptionsAreTaken() throws Exception {
		String doctors = subscribe(doctorApp, subscription("transmission", RECEIVER.newEndpoint(), ID_ONLY, FINAL_REPORTS));
		String otherDoctor = create(new Practitioner().addIdentifier(uniqueIdentifier()));
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(create(new Patient().addIdentifier(uniqueIdentifier()))))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(otherDoctor))));
		IGenericClient stranger = as(personToken(Role.CLINICIAN, otherDoctor, CLINICIAN_SCOPES));

		assertThat(refusal(() -> stranger.read().resource(Subscription.class).withId(doctors).execute())).isEqualTo(404);
		Subscription taken = doctorApp.read().resource(Subscription.class).withId(doctors).execute();
		taken.getChannel().setEndpoint("http://127.0.0.1:9/elsewhere");
		assertThat(refusal(() -> stranger.update().resource(taken.setId(doctors)).execute())).isEqualTo(403);
		assertThat(refusal(() -> stranger.delete().resourceById(new IdType(doctors)).execute())).isIn(403, 404);
		assertThat(stranger.search().forResource(Subscription.class).returnBundle(Bundle.class).execute().getEntry()).isEmpty();
		assertThat(doctorApp.search().forResource(Subscription.class).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()).containsExactly(doctors);
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(doctors);
		assertThat(stranger.transaction().withBundle(batch).execute().getEntryFirstRep().getResponse().getStatus()).startsWith("404");
		assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + doctors)).build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).as("no token").isEqualTo(401);
		// nor does a system that reads every patient's data get it through an _include: its search is refused whole
		String pointingAtIt = create(new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER).setFocus(new Reference(doctors)));
		assertThat(refusal(() -> client.search().byUrl("Task?_id=" + pointingAtIt + "&_include=Task:focus").returnBundle(Bundle.class).execute()))
				.isEqualTo(403);

		String hook = RECEIVER.newEndpoint();
		Subscription unknownTopic = subscription("transmission", hook, ID_ONLY, FINAL_REPORTS)
				.setCriteria(OpenImdUris.SUBSCRIPTION_TOPIC_BASE + "everything");
		Subscription classic = subscription("transmission", hook, ID_ONLY, FINAL_REPORTS);
		classic.getMeta().getProfile().clear();
		Subscription notEncrypted = subscription("transmission", "http://example.org/hook", ID_ONLY, FINAL_REPORTS);
		Subscription empty = subscription("transmission", hook, "empty", FINAL_REPORTS);
		Subscription unofferedFilter = subscription("transmission", hook, ID_ONLY, "DiagnosticReport?code=10191-5");
		Subscription unfiltered = subscription("transmission", hook, ID_ONLY);
		for (Subscription refused : List.of(unknownTopic, classic, notEncrypted, empty, unofferedFilter, unfiltered)) {
			assertThat(refusal(() -> doctorApp.create().resource(refused).execute())).isEqualTo(422);
		}
	}

	@Test
	void aFailedHandshakePutsTheSubscriptionInErrorAndAQuietOneHearsHeartbeats() throws Exception {
		String unreachable = subscribe(doctorApp, subscription("message", "http://127.0.0.1:1/nobody-listens", ID_ONLY, "Communication?recipient=" + doctor), false);
		await().atMost(SOON).until(() -> doctorApp.read().resource(Subscription.class).withId(unreachable).execute().getStatus(),
				Subscription.SubscriptionStatus.ERROR::equals);

		String hook = RECEIVER.newEndpoint();
		Subscription quiet = subscription("message", hook, ID_ONLY, "Communication?recipient=" + doctor);
		quiet.getChannel().addExtension(SubscriptionConstants.SUBSCRIPTION_TOPIC_CHANNEL_HEARTBEAT_PERIOD_URL, new UnsignedIntType(1));
		String subscription = subscribe(doctorApp, quiet);
		Bundle heartbeat = RECEIVER.next(hook, "heartbeat", SOON);
		assertThat(RestHookReceiver.status(heartbeat).getParameter("subscription").getValue()).isInstanceOfSatisfying(Reference.class,
				reference -> assertThat(reference.getReference()).isEqualTo(subscription));
	}

	@Test
	void aWebsocketBindsOnlyItsOwnersSubscriptionAndCarriesItsNotifications() throws Exception {
		Subscription overWebsocket = overWebsocket("transmission", FULL_RESOURCE, "DiagnosticReport?patient=" + patient);
		String doctors = subscribe(doctorApp, overWebsocket, false);
		await().atMost(SOON).until(() -> registry.get(new IdType(doctors).getIdPart()) != null);

		Socket stranger = new Socket(HttpClient.newHttpClient(), "ws://localhost:" + port, personToken(Role.CLINICIAN, create(new Practitioner().addIdentifier(uniqueIdentifier())), CLINICIAN_SCOPES));
		stranger.socket.sendText("bind " + doctors, true);
		assertThat(stranger.closed.get(20, TimeUnit.SECONDS)).as("close code").isEqualTo(1008);

		Socket owner = new Socket(HttpClient.newHttpClient(), "ws://localhost:" + port, doctorToken);
		owner.socket.sendText("bind " + new IdType(doctors).getIdPart(), true);
		assertThat(owner.messages.poll(20, TimeUnit.SECONDS)).startsWith("bound");
		String report = create(interrogationReport(patient));
		String notification = owner.messages.poll(20, TimeUnit.SECONDS);
		assertThat(notification).contains("\"resourceType\":\"Bundle\"").contains(report);
		owner.socket.abort();
	}

	@Test
	void theCapabilityStatementOffersTopicBasedSubscriptionsOnEveryTopic() {
		CapabilityStatement capabilities = client.capabilities().ofType(CapabilityStatement.class).execute();
		assertThat(capabilities.getInstantiates()).extracting(CanonicalType::getValue).contains(SubscriptionCapability.SERVER_CAPABILITIES);
		CapabilityStatement.CapabilityStatementRestResourceComponent subscriptions = capabilities.getRestFirstRep().getResource().stream()
				.filter(resource -> resource.getType().equals("Subscription")).findFirst().orElseThrow();
		assertThat(subscriptions.getSupportedProfile()).extracting(CanonicalType::getValue).contains(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL);
		assertThat(subscriptions.getExtensionsByUrl(SubscriptionCapability.TOPIC_EXTENSION)).extracting(topic -> topic.getValue().primitiveValue())
				.containsExactlyInAnyOrderElementsOf(Topics.URLS);
		assertThat(client.search().byUrl("Basic?code=http://hl7.org/fhir/fhir-types|SubscriptionTopic").returnBundle(Bundle.class).execute()
				.getEntry()).extracting(entry -> ((Basic) entry.getResource()).getIdentifierFirstRep().getValue())
				.containsExactlyInAnyOrderElementsOf(Topics.URLS);
	}

	@Test
	void changesNoTopicIsAboutNeverReachHapisMatching() {
		ModifiedTypes modified = new ModifiedTypes();
		storage.registerInterceptor(modified);
		try {
			create(new Observation().setStatus(Observation.ObservationStatus.FINAL).setCode(new CodeableConcept(new Coding("http://loinc.org", "8867-4", null)))
					.setSubject(new Reference(patient)));
			create(interrogationReport(patient));
		} finally {
			storage.unregisterInterceptor(modified);
		}
		assertThat(modified.types).as("what HAPI's matcher was handed, while stored").contains("DiagnosticReport").doesNotContain("Observation");
	}

	/** Records the type of each change HAPI's subscription matcher builds a message for, before any other hook may drop it. */
	public static class ModifiedTypes {
		final List<String> types = new CopyOnWriteArrayList<>();

		@Hook(value = Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED, order = Integer.MIN_VALUE)
		public void modified(ResourceModifiedMessage theChange) {
			types.add(theChange.getResourceType(FhirContext.forR4Cached()));
		}
	}

	private String subscribe(IGenericClient theOwner, Subscription theSubscription) throws InterruptedException {
		return subscribe(theOwner, theSubscription, true);
	}

	/** Creates {@code theSubscription} as {@code theOwner}; when it has an endpoint that answers, waits for its handshake and for HAPI to deliver to it. */
	private String subscribe(IGenericClient theOwner, Subscription theSubscription, boolean theHandshake) throws InterruptedException {
		String id = theOwner.create().resource(theSubscription).execute().getId().toUnqualifiedVersionless().getValue();
		if (theHandshake) {
			RECEIVER.next(theSubscription.getChannel().getEndpoint(), "handshake", SOON);
			await().atMost(SOON).until(() -> registry.get(new IdType(id).getIdPart()) != null);
		}
		return id;
	}

	/** The focus of an event notification, versionless, as the subscriber would read it. */
	private static String focusOf(Bundle theNotification) {
		return new IdType(theNotification.getEntry().get(1).getFullUrl()).toUnqualifiedVersionless().getValue();
	}

	private static Communication message(String theAbout, String theFrom, String theTo, String theText) {
		Communication message = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(new Reference(theAbout));
		if (theFrom != null) {
			message.setSender(new Reference(theFrom));
		}
		message.addRecipient(new Reference(theTo));
		message.addPayload().setContent(new StringType(theText));
		return message;
	}

	private DiagnosticReport reportOf(String theSerial, String theDay) {
		return (DiagnosticReport) client.search().byUrl("DiagnosticReport?identifier=" + OpenImdUris.INTERROGATION_IDENTIFIER + "|STJ/CD2215-36/"
				+ theSerial + "/" + theDay).returnBundle(Bundle.class).execute().getEntry().get(0).getResource();
	}

	private String create(org.hl7.fhir.r4.model.Resource theResource) {
		return client.create().resource(theResource).execute().getId().toUnqualifiedVersionless().getValue();
	}

}
