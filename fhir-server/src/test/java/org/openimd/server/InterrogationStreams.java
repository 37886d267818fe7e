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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;

/**
 * Interrogations streamed over MLLP by several senders at once, each waiting for its ACK, as the
 * crash and cluster tests send them; what each sender knows of its messages; and the check that every
 * message ended up stored exactly once.
 */
final class InterrogationStreams {

	private static final ObjectMapper JSON = new ObjectMapper();

	/** What a sender knows of one message: whether the server acknowledged it before the connection broke. */
	record Sent(String message, boolean acknowledged) {}

	private final List<List<String>> mySenders = new ArrayList<>();
	private final Map<String, Sent> mySent = new ConcurrentHashMap<>();
	private final AtomicInteger myAcknowledged = new AtomicInteger();

	/** {@code theSenders} senders of {@code theEach} interrogations each, every one another patient's. */
	InterrogationStreams(String thePrefix, int theSenders, int theEach) {
		IdcoMessageGenerator generator = new IdcoMessageGenerator(IdcoTermTable.load(), thePrefix + UUID.randomUUID().toString().substring(0, 6).toUpperCase());
		for (int sender = 0; sender < theSenders; sender++) {
			List<String> own = new ArrayList<>();
			for (int index = 0; index < theEach; index++) {
				own.add(generator.interrogation(sender * 1000 + index, 0));
			}
			mySenders.add(own);
		}
	}

	List<String> sender(int theSender) {
		return mySenders.get(theSender);
	}

	List<String> all() {
		return mySenders.stream().flatMap(List::stream).toList();
	}

	int acknowledged() {
		return myAcknowledged.get();
	}

	boolean acknowledged(String theMessage) {
		return mySent.getOrDefault(controlId(theMessage), new Sent(theMessage, false)).acknowledged();
	}

	/** Starts a sender of its messages in turn, on one connection to {@code thePort}, until it has sent them all or the connection breaks. */
	Thread start(int theSender, int thePort) {
		Thread sender = new Thread(() -> stream(mySenders.get(theSender), thePort), "sender-" + theSender);
		sender.start();
		return sender;
	}

	private void stream(List<String> theMessages, int thePort) {
		try (Socket socket = connect(thePort)) {
			for (String message : theMessages) {
				mySent.put(controlId(message), new Sent(message, false));
				if (MllpExchange.exchange(socket, message).contains("MSA|AA|")) {
					mySent.put(controlId(message), new Sent(message, true));
					myAcknowledged.incrementAndGet();
				}
			}
		} catch (IOException broken) {
			// the server was killed: what has no AA is sent again
		}
	}

	/** Sends each of {@code theMessages} on one connection to {@code thePort} and checks that it is acknowledged AA. */
	static void sendAgain(List<String> theMessages, int thePort) throws IOException {
		try (Socket socket = connect(thePort)) {
			for (String message : theMessages) {
				assertThat(MllpExchange.exchange(socket, message)).as("sent again: " + controlId(message)).contains("MSA|AA|" + controlId(message));
			}
		}
	}

	/**
	 * Every message has exactly one interrogation report, and exactly one raw record accepted, which
	 * names a report the server serves.
	 */
	void assertEachStoredOnce(PackagedServer theServer, int thePort, String theToken) throws Exception {
		IdcoOruMapper mapper = new IdcoOruMapper(IdcoTermTable.load(), ZoneOffset.UTC);
		for (String message : all()) {
			String identifier = mapper.map(message.getBytes(StandardCharsets.ISO_8859_1), Instant.now()).transaction().getEntry().stream()
					.map(entry -> entry.getResource()).filter(DiagnosticReport.class::isInstance).map(DiagnosticReport.class::cast)
					.findFirst().orElseThrow().getIdentifierFirstRep().getValue();
			JsonNode reports = get(theServer, thePort, theToken, "/fhir/DiagnosticReport?_summary=count&identifier="
					+ URLEncoder.encode(OpenImdUris.INTERROGATION_IDENTIFIER + "|" + identifier, StandardCharsets.UTF_8));
			assertThat(reports.get("total").asInt()).as("reports of %s, %s", controlId(message), mySent.containsKey(controlId(message))
					? acknowledged(message) ? "acknowledged at first" : "sent, not acknowledged at first" : "not sent at first").isEqualTo(1);
		}

		JsonNode accepted = get(theServer, thePort, theToken, "/ingest/messages?status=accepted&limit=500");
		Map<String, List<JsonNode>> acceptedByControlId = new HashMap<>();
		accepted.forEach(record -> acceptedByControlId.computeIfAbsent(record.get("controlId").asText(), any -> new ArrayList<>()).add(record));
		for (String message : all()) {
			List<JsonNode> records = acceptedByControlId.getOrDefault(controlId(message), List.of());
			assertThat(records).as("raw messages accepted as " + controlId(message)).hasSize(1);
			String report = records.get(0).get("fhirReport").asText();
			assertThat(theServer.send(HttpRequest.newBuilder(URI.create("https://localhost:" + thePort + "/fhir/" + report))
					.header("Authorization", "Bearer " + theToken)).statusCode()).as(report).isEqualTo(200);
		}
	}

	static JsonNode get(PackagedServer theServer, int thePort, String theToken, String thePath) throws Exception {
		return JSON.readTree(theServer.send(HttpRequest.newBuilder(URI.create("https://localhost:" + thePort + thePath))
				.header("Authorization", "Bearer " + theToken).header("Accept", "application/json")).body());
	}

	static String controlId(String theMessage) {
		return theMessage.substring(0, theMessage.indexOf('\r')).split("\\|")[9];
	}

	private static Socket connect(int thePort) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("localhost", thePort), 10_000);
		socket.setSoTimeout(120_000);
		return socket;
	}
}
