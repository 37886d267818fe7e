package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;

/**
 * The server killed (SIGKILL) while 4 senders stream interrogations over MLLP, then started again on
 * the same storage: every message that was acknowledged AA is stored exactly once; every other one,
 * sent again as a sender would, is acknowledged AA and stored exactly once (stored now, or recognised
 * as the copy of one that was committed before the kill); and the raw store holds each exactly once
 * as accepted, naming the report that holds its data.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class CrashSafetyIT {

	private static final int SENDERS = 4;
	private static final int MESSAGES_PER_SENDER = 30;
	private static final int ACKNOWLEDGED_BEFORE_THE_KILL = 30;
	private static final ObjectMapper JSON = new ObjectMapper();

	@TempDir
	Path myWorkDir;

	/** What a sender knows of one message: whether the server acknowledged it before the connection broke. */
	private record Sent(String message, boolean acknowledged) {}

	@Test
	void afterAKillEveryAcknowledgedMessageIsStoredOnceAndEveryOtherOnceWhenSentAgain() throws Exception {
		int port = PackagedServer.freePort();
		int mllpPort = PackagedServer.freePort();
		IdcoMessageGenerator generator = new IdcoMessageGenerator(IdcoTermTable.load(), "CS" + UUID.randomUUID().toString().substring(0, 6).toUpperCase());
		List<List<String>> messages = new ArrayList<>();
		for (int sender = 0; sender < SENDERS; sender++) {
			List<String> own = new ArrayList<>();
			for (int index = 0; index < MESSAGES_PER_SENDER; index++) {
				own.add(generator.interrogation(sender * 1000 + index, 0));
			}
			messages.add(own);
		}

		PackagedServer first = PackagedServer.start(myWorkDir, port, "killed", List.of("--openimd.mllp.port=" + mllpPort));
		Map<String, Sent> sent = new ConcurrentHashMap<>();
		AtomicInteger acknowledged = new AtomicInteger();
		List<Thread> senders = new ArrayList<>();
		for (List<String> own : messages) {
			Thread sender = new Thread(() -> stream(own, mllpPort, sent, acknowledged), "sender");
			sender.start();
			senders.add(sender);
		}
		while (acknowledged.get() < ACKNOWLEDGED_BEFORE_THE_KILL && senders.stream().anyMatch(Thread::isAlive)) {
			Thread.sleep(20);
		}
		first.process().destroyForcibly();
		first.process().waitFor();
		for (Thread sender : senders) {
			sender.join();
		}
		long acknowledgedBeforeTheKill = sent.values().stream().filter(Sent::acknowledged).count();
		assertThat(acknowledgedBeforeTheKill).as("killed in the middle of the stream").isBetween((long) ACKNOWLEDGED_BEFORE_THE_KILL,
				(long) SENDERS * MESSAGES_PER_SENDER - 1);

		PackagedServer second = PackagedServer.start(myWorkDir, port, "restarted", List.of("--openimd.mllp.port=" + mllpPort));
		try {
			// each sender sends again what it has no AA for
			List<String> unacknowledged = messages.stream().flatMap(List::stream)
					.filter(message -> !sent.getOrDefault(controlId(message), new Sent(message, false)).acknowledged()).toList();
			try (Socket socket = connect(mllpPort)) {
				for (String message : unacknowledged) {
					assertThat(MllpExchange.exchange(socket, message)).as("sent again: " + controlId(message)).contains("MSA|AA|" + controlId(message));
				}
			}

			String token = TestClients.accessToken(second.http(), "https://localhost:" + port, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			IdcoOruMapper mapper = new IdcoOruMapper(IdcoTermTable.load(), ZoneOffset.UTC);
			for (String message : messages.stream().flatMap(List::stream).toList()) {
				String identifier = mapper.map(message.getBytes(StandardCharsets.ISO_8859_1), Instant.now()).transaction().getEntry().stream()
						.map(entry -> entry.getResource()).filter(DiagnosticReport.class::isInstance).map(DiagnosticReport.class::cast)
						.findFirst().orElseThrow().getIdentifierFirstRep().getValue();
				JsonNode reports = get(second, port, token, "/fhir/DiagnosticReport?_summary=count&identifier="
						+ URLEncoder.encode(OpenImdUris.INTERROGATION_IDENTIFIER + "|" + identifier, StandardCharsets.UTF_8));
				assertThat(reports.get("total").asInt()).as("reports of %s, %s before the kill", controlId(message),
						sent.containsKey(controlId(message)) ? sent.get(controlId(message)).acknowledged() ? "acknowledged" : "sent, not acknowledged"
								: "not sent").isEqualTo(1);
			}

			JsonNode accepted = get(second, port, token, "/ingest/messages?status=accepted&limit=500");
			Map<String, List<JsonNode>> acceptedByControlId = new HashMap<>();
			accepted.forEach(record -> acceptedByControlId.computeIfAbsent(record.get("controlId").asText(), any -> new ArrayList<>()).add(record));
			Set<String> ours = messages.stream().flatMap(List::stream).map(CrashSafetyIT::controlId).collect(Collectors.toSet());
			for (String controlId : ours) {
				List<JsonNode> records = acceptedByControlId.getOrDefault(controlId, List.of());
				assertThat(records).as("raw messages accepted as " + controlId).hasSize(1);
				String report = records.get(0).get("fhirReport").asText();
				assertThat(second.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/fhir/" + report))
						.header("Authorization", "Bearer " + token)).statusCode()).as(report).isEqualTo(200);
			}
		} finally {
			second.stop();
		}
	}

	/** One sender: its messages in turn on one connection, each waiting for its ACK, until the connection breaks. */
	private static void stream(List<String> theMessages, int thePort, Map<String, Sent> theSent, AtomicInteger theAcknowledged) {
		try (Socket socket = connect(thePort)) {
			for (String message : theMessages) {
				theSent.put(controlId(message), new Sent(message, false));
				if (MllpExchange.exchange(socket, message).contains("MSA|AA|")) {
					theSent.put(controlId(message), new Sent(message, true));
					theAcknowledged.incrementAndGet();
				}
			}
		} catch (IOException broken) {
			// the server was killed: what has no AA is sent again after the restart
		}
	}

	private static Socket connect(int thePort) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("localhost", thePort), 10_000);
		socket.setSoTimeout(120_000);
		return socket;
	}

	private static String controlId(String theMessage) {
		return theMessage.substring(0, theMessage.indexOf('\r')).split("\\|")[9];
	}

	private static JsonNode get(PackagedServer theServer, int thePort, String theToken, String thePath) throws Exception {
		return JSON.readTree(theServer.send(HttpRequest.newBuilder(URI.create("https://localhost:" + thePort + thePath))
				.header("Authorization", "Bearer " + theToken).header("Accept", "application/json")).body());
	}
}
