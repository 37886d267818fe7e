package org.openimd.benchmark;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.TestClients;
import org.openimd.server.alerts.TransmissionMessages;

/**
 * How long after the ACK of an alerting transmission its subscriber hears of it: the packaged server
 * started as its own process (on the PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2), a
 * subscription to the {@code alert} topic with a rest-hook on loopback, and ICD transmissions with a
 * VT storm and shocks (each a stat triage Task) sent over MLLP at a steady rate, one sender. For each
 * it measures the ACK latency (sent to ACK: the baseline every sender already waits for) and the
 * notification latency (ACK to the rest-hook's POST arriving).
 *
 * Usage: {@code NotificationLatencyBenchmark <launcher> <transmissions> <per second>}. Bounded: it
 * sends exactly the transmissions asked for, to loopback only, and stops the server it started.
 */
public final class NotificationLatencyBenchmark {

	private static final int WARM_UP = 20;
	private static final String TOPIC = "https://openimd.org/fhir/SubscriptionTopic/alert";
	private static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private NotificationLatencyBenchmark() {}

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int transmissions = Integer.parseInt(theArgs[1]);
		double perSecond = Double.parseDouble(theArgs[2]);
		int mllpPort = ServerProcess.freePort();
		Path workDir = Files.createTempDirectory("openimd-benchmark");
		Map<String, Long> notifiedAt = new ConcurrentHashMap<>();
		CountDownLatch handshake = new CountDownLatch(1);
		HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		receiver.createContext("/", exchange -> {
			long arrived = System.nanoTime();
			Bundle notification = FHIR.newJsonParser().parseResource(Bundle.class, new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			byte[] answer = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
			String type = ((Parameters) notification.getEntryFirstRep().getResource()).getParameter("type").getValue().primitiveValue();
			if (type.equals("handshake")) {
				handshake.countDown();
			} else if (type.equals("event-notification")) {
				notifiedAt.put(((Task) notification.getEntry().get(1).getResource()).getFocus().getReference(), arrived);
			}
		});
		receiver.start();
		try (ServerProcess server = ServerProcess.start(List.of(launcher.toString()), false, ServerProcess.freePort(), mllpPort, workDir,
				List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN",
						"--openimd.subscriptions.allow-loopback-http=true"))) {
			String token = TestClients.accessToken(server.base(), TestClients.FULL_ACCESS, "system/*.cruds");
			subscribe(server, token, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/alerts");
			if (!handshake.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("no handshake; see " + workDir.resolve("server.log"));
			}
			String run = UUID.randomUUID().toString().substring(0, 6).toUpperCase();
			send(mllpPort, run + "W", WARM_UP, perSecond);
			List<Sent> sent = send(mllpPort, run + "M", transmissions, perSecond);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
			while (notifiedAt.size() < WARM_UP + transmissions && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			Map<String, Long> bySerial = new ConcurrentHashMap<>();
			for (Map.Entry<String, Long> notified : notifiedAt.entrySet()) {
				bySerial.put(serialOf(server, token, notified.getKey()), notified.getValue());
			}
			long[] ackNanos = sent.stream().mapToLong(one -> one.acknowledged() - one.sentAt()).toArray();
			long[] notifiedNanos = sent.stream().filter(one -> bySerial.containsKey(one.serial()))
					.mapToLong(one -> bySerial.get(one.serial()) - one.acknowledged()).toArray();
			System.out.printf("%nNotification latency benchmark: %d alerting transmissions at %.1f/s over MLLP, one subscriber (rest-hook, full-resource), database %s%n",
					transmissions, perSecond, System.getenv("OPENIMD_TEST_PG_URL") == null ? "H2 (embedded)" : "PostgreSQL");
			System.out.printf("| %-34s | %8s | %8s | %8s | %8s |%n", "interval", "count", "p50 ms", "p95 ms", "max ms");
			System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(36), "-".repeat(10), "-".repeat(10), "-".repeat(10), "-".repeat(10));
			print("sent to ACK (baseline)", ackNanos);
			print("ACK to the rest-hook's POST", notifiedNanos);
			System.out.printf("notified %d of %d; notification p95 / ACK p95: %.2f%n", notifiedNanos.length, transmissions,
					Latencies.percentileMillis(notifiedNanos, 0.95) / Latencies.percentileMillis(ackNanos, 0.95));
		} finally {
			receiver.stop(0);
		}
	}

	private record Sent(String serial, long sentAt, long acknowledged) {}

	private static void subscribe(ServerProcess theServer, String theToken, String theEndpoint) throws Exception {
		String subscription = """
				{"resourceType": "Subscription", "meta": {"profile": ["%sbackport-subscription"]}, "status": "requested",
				 "reason": "notification latency benchmark", "criteria": "%s",
				 "_criteria": {"extension": [{"url": "%sbackport-filter-criteria", "valueString": "Task?priority=stat,urgent"}]},
				 "channel": {"type": "rest-hook", "endpoint": "%s", "payload": "application/fhir+json",
				  "_payload": {"extension": [{"url": "%sbackport-payload-content", "valueCode": "full-resource"}]}}}
				""".formatted(BACKPORT, TOPIC, BACKPORT, theEndpoint, BACKPORT);
		HttpResponse<String> created = theServer.http().send(HttpRequest.newBuilder(URI.create(theServer.base() + "/fhir/Subscription"))
				.header("Authorization", "Bearer " + theToken).header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(subscription)).build(), HttpResponse.BodyHandlers.ofString());
		if (created.statusCode() != 201) {
			throw new IllegalStateException("the subscription was refused: " + created.body());
		}
	}

	/** {@code theCount} alerting transmissions, each of its own ICD, one every 1/rate seconds. */
	private static List<Sent> send(int thePort, String thePrefix, int theCount, double thePerSecond) throws Exception {
		List<Sent> sent = new ArrayList<>();
		long interval = (long) (1e9 / thePerSecond);
		long next = System.nanoTime();
		try (Socket connection = new Socket("localhost", thePort)) {
			for (int i = 0; i < theCount; i++) {
				String serial = thePrefix + i;
				byte[] message = TransmissionMessages.icdMessage(serial, "20261202", TransmissionMessages.vtEpisode(1, "20261130020000+0000"),
						TransmissionMessages.vtEpisode(2, "20261201020000+0000"), TransmissionMessages.vtEpisode(3, "20261201230000+0000"),
						"NM|737824^MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT^MDC|1|2|{shocks}").getBytes(StandardCharsets.ISO_8859_1);
				long wait = next - System.nanoTime();
				if (wait > 0) {
					TimeUnit.NANOSECONDS.sleep(wait);
				}
				next += interval;
				long sentAt = System.nanoTime();
				String ack = IngestBenchmark.send(connection, message);
				if (!ack.contains("MSA|AA|")) {
					throw new IllegalStateException(serial + " was not accepted: " + ack);
				}
				sent.add(new Sent(serial, sentAt, System.nanoTime()));
			}
		}
		return sent;
	}

	/** The serial number of the ICD whose report {@code theReport} is, from the report's identifier ({@code STJ/CD2215-36/<serial>/<day>}). */
	private static String serialOf(ServerProcess theServer, String theToken, String theReport) throws Exception {
		HttpResponse<String> read = theServer.http().send(HttpRequest.newBuilder(URI.create(theServer.base() + "/fhir/" + theReport))
				.header("Authorization", "Bearer " + theToken).build(), HttpResponse.BodyHandlers.ofString());
		String identifier = FHIR.newJsonParser().parseResource(DiagnosticReport.class, read.body()).getIdentifierFirstRep().getValue();
		return identifier.split("/")[2];
	}

	private static void print(String theInterval, long[] theNanos) {
		System.out.printf("| %-34s | %8d | %8.0f | %8.0f | %8.0f |%n", theInterval, theNanos.length, Latencies.percentileMillis(theNanos, 0.50),
				Latencies.percentileMillis(theNanos, 0.95), Latencies.percentileMillis(theNanos, 1.0));
	}
}
