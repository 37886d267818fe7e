package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.server.alerts.TransmissionMessages;
import org.openimd.server.security.AppAuthorization;
import org.openimd.server.similar.SecondRecording;
import org.openimd.server.subscriptions.TopicSubscriptions;
import org.openimd.server.subscriptions.TopicSubscriptions.Socket;
import org.openimd.terminology.OpenImdUris;

/**
 * Two nodes of OpenIMD on one PostgreSQL database and one data directory (its keys), as a load
 * balancer spreads senders and clients over them: a token either node issued is good on the other;
 * 4 senders stream interrogations, two to each node, and one node is killed (SIGKILL) in the middle; its
 * senders go over to the other node with what had no AA, and send it copies of messages the killed node
 * had acknowledged. Every message is stored exactly once. A websocket subscriber connected to one node
 * hears of what is stored, whichever node matched it. A node matches what it stores against a subscription
 * stored through the other at once, not a minute later. An alerting transmission taken in by one node is on
 * the other's worklist; a diagnosed ECG strip stored through one is among the other's similar cases; failed
 * sign-ins on one node lock the account on the other.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class TwoNodesIT {

	private static final int SENDERS = 4;
	private static final int MESSAGES_PER_SENDER = 25;
	private static final int ACKNOWLEDGED_BEFORE_THE_KILL = 30;
	private static final int COPIES_SENT = 5;

	@TempDir
	Path myWorkDir;

	@Test
	void nodesShareTokensAndEveryMessageIsStoredOnceWhenOneIsKilledMidStream() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.POSTGRES, "two processes share a PostgreSQL database; H2 is embedded in one");
		int portOne = PackagedServer.freePort();
		int mllpOne = PackagedServer.freePort();
		int portTwo = PackagedServer.freePort();
		int mllpTwo = PackagedServer.freePort();
		PackagedServer one = node(portOne, mllpOne, "node-one", portOne);
		PackagedServer two = node(portTwo, mllpTwo, "node-two", portOne);
		try {
			String token = TestClients.accessToken(one.http(), "https://localhost:" + portOne, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			assertThat(two.send(HttpRequest.newBuilder(URI.create("https://localhost:" + portTwo + "/fhir/Patient?_summary=count"))
					.header("Authorization", "Bearer " + token)).statusCode()).as("the first node's token on the second").isEqualTo(200);

			InterrogationStreams streams = new InterrogationStreams("TN", SENDERS, MESSAGES_PER_SENDER);
			List<Thread> senders = new ArrayList<>();
			for (int sender = 0; sender < SENDERS; sender++) {
				senders.add(streams.start(sender, sender < SENDERS / 2 ? mllpOne : mllpTwo));
			}
			while (streams.acknowledged() < ACKNOWLEDGED_BEFORE_THE_KILL && senders.stream().anyMatch(Thread::isAlive)) {
				Thread.sleep(20);
			}
			one.process().destroyForcibly();
			one.process().waitFor();
			for (Thread sender : senders) {
				sender.join();
			}
			List<String> killedNodesMessages = new ArrayList<>(streams.sender(0));
			killedNodesMessages.addAll(streams.sender(1));
			List<String> acknowledgedByTheKilledNode = killedNodesMessages.stream().filter(streams::acknowledged).toList();
			assertThat(acknowledgedByTheKilledNode).as("the first node acknowledged some before it was killed, not all").isNotEmpty()
					.hasSizeLessThan(killedNodesMessages.size());

			InterrogationStreams.sendAgain(streams.all().stream().filter(message -> !streams.acknowledged(message)).toList(), mllpTwo);
			InterrogationStreams.sendAgain(acknowledgedByTheKilledNode.subList(0, Math.min(COPIES_SENT, acknowledgedByTheKilledNode.size())), mllpTwo);

			streams.assertEachStoredOnce(two, portTwo, token);
		} finally {
			one.process().destroyForcibly();
			two.stop();
		}
	}

	@Test
	void aWebsocketSubscriberOnEitherNodeHearsOfWhatIsStored() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.POSTGRES, "two processes share a PostgreSQL database; H2 is embedded in one");
		int portOne = PackagedServer.freePort();
		int portTwo = PackagedServer.freePort();
		PackagedServer one = node(portOne, PackagedServer.freePort(), "websocket-node-one", portOne);
		PackagedServer two = node(portTwo, PackagedServer.freePort(), "websocket-node-two", portOne);
		try {
			String token = TestClients.accessToken(one.http(), "https://localhost:" + portOne, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			String patient = created(one.send(fhir(portOne, "/Patient", token).POST(json(newPatient()))));
			String subscription = transmissionsOverWebsocket(one, portOne, token, patient);

			// a subscriber on each node: whichever node matches the change (HAPI's queue of stored changes is
			// claimed by either), the other node's subscriber hears of it only through the relay
			Socket onOne = boundSocket(one, portOne, token, subscription);
			Socket onTwo = boundSocket(two, portTwo, token, subscription);

			String report = created(one.send(fhir(portOne, "/DiagnosticReport", token).POST(json(TopicSubscriptions.interrogationReport(patient)))));
			for (Socket subscriber : List.of(onOne, onTwo)) {
				assertThat(subscriber.messages.poll(30, TimeUnit.SECONDS)).as("the notification, on either node")
						.contains("\"resourceType\":\"Bundle\"").contains(report);
				subscriber.socket.abort();
			}
		} finally {
			one.stop();
			two.stop();
		}
	}

	@Test
	void aNodeMatchesChangesAgainstASubscriptionStoredThroughAnotherAtOnce() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.POSTGRES, "two processes share a PostgreSQL database; H2 is embedded in one");
		int portOne = PackagedServer.freePort();
		int portTwo = PackagedServer.freePort();
		PackagedServer one = node(portOne, PackagedServer.freePort(), "catch-up-node-one", portOne);
		PackagedServer two = node(portTwo, PackagedServer.freePort(), "catch-up-node-two", portOne);
		try {
			String token = TestClients.accessToken(one.http(), "https://localhost:" + portOne, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			String patient = created(one.send(fhir(portOne, "/Patient", token).POST(json(newPatient()))));

			// The second node is paused while the first stores the subscription and takes in both of its changes
			// (created, activated): a node hears of a subscription it did not handle only at its next reload from
			// the database, once a minute.
			signal(two, "STOP");
			String subscription = transmissionsOverWebsocket(one, portOne, token, patient);
			await().atMost(Duration.ofSeconds(30)).until(() -> InterrogationStreams.get(one, portOne, token, "/fhir/" + subscription)
					.path("status").asText(), "active"::equals);
			await().atMost(Duration.ofSeconds(30)).until(() -> changesNotTakenIn(new IdType(subscription).getIdPart()) == 0);
			one.stop();
			signal(two, "CONT");

			// the second node is now the only one left to take in the change
			String report = created(two.send(fhir(portTwo, "/DiagnosticReport", token).POST(json(TopicSubscriptions.interrogationReport(patient)))));
			await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(InterrogationStreams.get(two, portTwo, token,
					"/fhir/" + subscription + "/$events?content=id-only").toString()).as("the event the second node numbered").contains(report));
		} finally {
			signal(two, "CONT");
			one.process().destroyForcibly();
			two.stop();
		}
	}

	/** A websocket subscription, created through {@code theNode}, to {@code thePatient}'s transmissions. */
	private static String transmissionsOverWebsocket(PackagedServer theNode, int thePort, String theToken, String thePatient) throws Exception {
		return created(theNode.send(fhir(thePort, "/Subscription", theToken).POST(json(
				TopicSubscriptions.overWebsocket("transmission", TopicSubscriptions.FULL_RESOURCE, "DiagnosticReport?patient=" + thePatient)))));
	}

	private static void signal(PackagedServer theNode, String theSignal) throws Exception {
		assertThat(new ProcessBuilder("kill", "-" + theSignal, Long.toString(theNode.process().pid())).start().waitFor()).isZero();
	}

	/** HAPI's stored changes of {@code theSubscription} that no node has taken in yet. */
	private static int changesNotTakenIn(String theSubscription) throws Exception {
		try (Connection database = DriverManager.getConnection(System.getenv(TestDatabase.PG_URL), System.getenv(TestDatabase.PG_USER),
				System.getenv(TestDatabase.PG_PASSWORD));
				PreparedStatement count = database.prepareStatement(
						"select count(*) from hfj_resource_modified where resource_type = 'Subscription' and res_id = ?")) {
			count.setString(1, theSubscription);
			try (ResultSet rows = count.executeQuery()) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	@Test
	void alertsSimilarCasesAndLockoutsMadeOnOneNodeHoldOnTheOther() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.POSTGRES, "two processes share a PostgreSQL database; H2 is embedded in one");
		int portOne = PackagedServer.freePort();
		int mllpOne = PackagedServer.freePort();
		int portTwo = PackagedServer.freePort();
		PackagedServer one = node(portOne, mllpOne, "shared-state-node-one", portOne);
		PackagedServer two = node(portTwo, PackagedServer.freePort(), "shared-state-node-two", portOne);
		try {
			String token = TestClients.accessToken(one.http(), "https://localhost:" + portOne, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);

			String serial = "TNA" + UUID.randomUUID().toString().substring(0, 8).toUpperCase();
			try (java.net.Socket sender = new java.net.Socket("localhost", mllpOne)) {
				assertThat(MllpExchange.exchange(sender, TransmissionMessages.icdMessage(serial, "20261201",
						TransmissionMessages.vtEpisode(1, "20261129020000+0000"), TransmissionMessages.vtEpisode(2, "20261130020000+0000"),
						TransmissionMessages.vtEpisode(3, "20261130230000+0000"),
						"NM|737824^MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT^MDC|1|2|{shocks}"))).contains("MSA|AA|");
			}
			String report = InterrogationStreams.get(two, portTwo, token, "/fhir/DiagnosticReport?identifier=" + OpenImdUris.INTERROGATION_IDENTIFIER
					+ "%7CSTJ/CD2215-36/" + serial + "/20261201").at("/entry/0/fullUrl").asText();
			String transmission = new IdType(report).toUnqualifiedVersionless().getValue();
			assertThat(transmission).as("the first node's transmission, read on the second").startsWith("DiagnosticReport/");
			JsonNode triage = await().atMost(Duration.ofSeconds(30)).until(() -> InterrogationStreams.get(two, portTwo, token, "/fhir/Task?code="
					+ OpenImdUris.REMOTE_MONITORING_SYSTEM + "%7C" + OpenImdUris.TRANSMISSION_REVIEW + "&status=requested&_sort=triage-rank,authored-on&_count=200")
					.path("entry").findValues("resource").stream().filter(task -> task.at("/focus/reference").asText().equals(transmission)).findFirst(),
					found -> found.isPresent()).orElseThrow();
			assertThat(triage.path("priority").asText()).as("the worklist of the second node").isEqualTo("stat");
			assertThat(InterrogationStreams.get(two, portTwo, token, "/fhir/" + triage.at("/input/0/valueReference/reference").asText())
					.path("resourceType").asText()).as("its alert, read on the second node").isEqualTo("DetectedIssue");

			// a diagnosed ECG strip stored through the first node, found by the second's $find-similar once it has caught up
			String patient = created(one.send(fhir(portOne, "/Patient", token).POST(json(newPatient()))));
			String strip = created(one.send(fhir(portOne, "/Observation", token).POST(json(SecondRecording.observation(17, 0, 17)
					.setSubject(new Reference(patient)).setEffective(new DateTimeType("2026-03-01T09:30:00+01:00"))))));
			DiagnosticReport reading = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(new Reference(patient))
					.setCode(new CodeableConcept(new Coding("http://loinc.org", "11524-6", "EKG study")));
			reading.addConclusionCode(new CodeableConcept(new Coding("http://snomed.info/sct", "427172004", "Premature ventricular contraction")));
			reading.addResult(new Reference(strip));
			created(one.send(fhir(portOne, "/DiagnosticReport", token).POST(json(reading))));
			String secondLook = created(two.send(fhir(portTwo, "/Observation", token).POST(json(SecondRecording.observation(17, 0.7, 71)
					.setSubject(new Reference(patient))))));
			Parameters findLike = new Parameters();
			findLike.addParameter().setName("dataSet").setValue(new Reference(secondLook));
			findLike.addParameter().setName("count").setValue(new IntegerType(50));
			await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
					two.send(fhir(portTwo, "/$find-similar", token).POST(json(findLike))).body()).as("the second node's similar cases")
					.contains("\"reference\":\"" + strip + "\""));

			String username = "it-two-nodes-" + UUID.randomUUID().toString().substring(0, 8);
			String password = "Two nodes, one lock " + UUID.randomUUID();
			assertThat(one.send(HttpRequest.newBuilder(URI.create("https://localhost:" + portOne + "/admin/users"))
					.header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"" + username + "\",\"password\":\"" + password + "\",\"role\":\"clinician\"}")))
					.statusCode()).isEqualTo(201);
			assertThat(browser(one, portOne).passwordStep(username, password)).as("the right password, before any failure").endsWith("/auth/login/code");
			AppAuthorization browserAtTwo = browser(two, portTwo);
			for (int attempt = 0; attempt < 5; attempt++) {
				assertThat(browserAtTwo.passwordStep(username, "wrong password " + attempt)).endsWith("/auth/login?error");
			}
			assertThat(browser(one, portOne).passwordStep(username, password)).as("the right password on the first node, locked by the second's failures")
					.endsWith("/auth/login?error");
			assertThat(InterrogationStreams.get(one, portOne, token, "/admin/users")).filteredOn(user -> user.path("username").asText().equals(username))
					.singleElement().satisfies(user -> assertThat(user.path("locked").asBoolean()).as("locked, as the first node sees it").isTrue());
		} finally {
			one.stop();
			two.stop();
		}
	}

	private static Patient newPatient() {
		return new Patient().addIdentifier(new Identifier().setSystem("urn:openimd:test").setValue(UUID.randomUUID().toString()));
	}

	/** A browser of its own, before any sign-in, at {@code theNode}. */
	private static AppAuthorization browser(PackagedServer theNode, int thePort) {
		return new AppAuthorization("https://localhost:" + thePort, theNode.http().sslContext());
	}

	/** A websocket to {@code theNode} bound to {@code theSubscription}, once that node knows it (HAPI reloads subscriptions every minute). */
	private static Socket boundSocket(PackagedServer theNode, int thePort, String theToken, String theSubscription) {
		return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
			Socket socket = new Socket(theNode.http(), "wss://localhost:" + thePort, theToken);
			socket.socket.sendText("bind " + new IdType(theSubscription).getIdPart(), true);
			String answer = socket.messages.poll(10, TimeUnit.SECONDS);
			if (answer != null && answer.startsWith("bound")) {
				return socket;
			}
			socket.socket.abort();
			return null;
		}, Objects::nonNull);
	}

	/** A node on port {@code thePort}; behind a load balancer both are one server at one address, the audience of every token. */
	private PackagedServer node(int thePort, int theMllpPort, String theName, int theBalancedPort) throws Exception {
		return PackagedServer.start(myWorkDir, thePort, theName,
				List.of("--openimd.mllp.port=" + theMllpPort, "--openimd.fhir.public-base-url=https://localhost:" + theBalancedPort + "/fhir"));
	}

	private static HttpRequest.Builder fhir(int thePort, String thePath, String theToken) {
		return HttpRequest.newBuilder(URI.create("https://localhost:" + thePort + "/fhir" + thePath)).header("Authorization", "Bearer " + theToken)
				.header("Content-Type", "application/fhir+json");
	}

	private static HttpRequest.BodyPublisher json(Resource theResource) {
		return HttpRequest.BodyPublishers.ofString(FhirContext.forR4Cached().newJsonParser().encodeResourceToString(theResource));
	}

	/** The versionless reference to what a create made, from its Location. */
	private static String created(HttpResponse<String> theResponse) {
		assertThat(theResponse.statusCode()).as(theResponse.body()).isEqualTo(201);
		return new IdType(theResponse.headers().firstValue("Location").orElseThrow()).toUnqualifiedVersionless().getValue();
	}
}
