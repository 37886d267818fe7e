package org.openimd.benchmark;

import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;

/**
 * A steady load for a long while against the packaged server started as its own process (on the
 * PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2): interrogations over MLLP at a fixed rate from
 * 2 senders, and a clinician's query (a patient's latest reports with their measurements) at the same
 * rate. Every minute it records the server's resident memory, its live threads and database
 * connections (from its own metrics), and the minute's p99 ACK and query latencies; at the end it
 * prints the minutes and the last minute against the second (the first is the warm-up), so that
 * growth or drift shows as a ratio.
 *
 * Usage: {@code SoakBenchmark <launcher> <minutes> <messages per second>}. Bounded: it runs for the
 * minutes asked, to loopback only, and stops the server it started.
 */
public final class SoakBenchmark {

	private static final int SENDERS = 2;

	private SoakBenchmark() {}

	/** One minute: what was answered and how fast, and what the server held at its end. */
	private record Minute(int minute, int acknowledged, double ackP99, int queries, double queryP99, long residentMiB, double threads,
			double connections, double pending) {}

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int minutes = Integer.parseInt(theArgs[1]);
		double perSecond = Double.parseDouble(theArgs[2]);
		Path workDir = Files.createTempDirectory("openimd-soak");
		String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase();
		IdcoMessageGenerator generator = new IdcoMessageGenerator(IdcoTermTable.load(), "SK" + run);
		int mllpPort = ServerProcess.freePort();
		try (ServerProcess server = ServerProcess.start(List.of(launcher.toString()), false, ServerProcess.freePort(), mllpPort, workDir,
				List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN"))) {
			AccessTokens reader = new AccessTokens(server.base(), "system/*.rs");
			AccessTokens operator = new AccessTokens(server.base(), "openimd.operations");
			ConcurrentLinkedQueue<Long> ackNanos = new ConcurrentLinkedQueue<>();
			ConcurrentLinkedQueue<Long> queryNanos = new ConcurrentLinkedQueue<>();
			AtomicInteger sent = new AtomicInteger();
			AtomicLong failures = new AtomicLong();
			ScheduledExecutorService load = Executors.newScheduledThreadPool(SENDERS + 1);
			List<Socket> connections = new ArrayList<>();
			long periodMicros = Math.round(1_000_000 * SENDERS / perSecond);
			for (int sender = 0; sender < SENDERS; sender++) {
				Socket connection = new Socket("localhost", mllpPort);
				connections.add(connection);
				load.scheduleAtFixedRate(() -> {
					int index = sent.getAndIncrement();
					byte[] message = generator.interrogation(index % 500, index / 500).getBytes(StandardCharsets.ISO_8859_1);
					long start = System.nanoTime();
					try {
						if (IngestBenchmark.send(connection, message).contains("MSA|AA|")) {
							ackNanos.add(System.nanoTime() - start);
						} else {
							failures.incrementAndGet();
						}
					} catch (Exception e) {
						failures.incrementAndGet();
					}
				}, 0, periodMicros, TimeUnit.MICROSECONDS);
			}
			String identifierSystem = OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "CLINIC/MR";
			load.scheduleAtFixedRate(() -> {
				int patient = Math.max(0, Math.min(sent.get(), 500) - 1);
				String query = "/fhir/DiagnosticReport?_sort=-date&_count=5&_include=DiagnosticReport:result&subject:Patient.identifier="
						+ URLEncoder.encode(identifierSystem + "|MRNSK" + run + patient, StandardCharsets.UTF_8);
				long start = System.nanoTime();
				try {
					if (server.http().send(HttpRequest.newBuilder(URI.create(server.base() + query)).header("Authorization", "Bearer " + reader.current())
							.header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						queryNanos.add(System.nanoTime() - start);
					} else {
						failures.incrementAndGet();
					}
				} catch (Exception e) {
					failures.incrementAndGet();
				}
			}, 500, Math.round(1_000_000 / perSecond), TimeUnit.MICROSECONDS);

			List<Minute> record = new ArrayList<>();
			for (int minute = 1; minute <= minutes; minute++) {
				Thread.sleep(60_000);
				long[] acks = drain(ackNanos);
				long[] queries = drain(queryNanos);
				Map<String, Double> metrics = server.metrics(operator);
				record.add(new Minute(minute, acks.length, Latencies.percentileMillis(acks, 99), queries.length, Latencies.percentileMillis(queries, 99),
						server.residentMiB(), metrics.getOrDefault("jvm_threads_live_threads", -1.0),
						metrics.getOrDefault("hikaricp_connections", -1.0), metrics.getOrDefault("hikaricp_connections_pending", -1.0)));
				Minute last = record.get(record.size() - 1);
				System.out.printf("minute %d: %d ACKs (p99 %.0f ms), %d queries (p99 %.0f ms), RSS %d MiB, %.0f threads, %.0f database connections%n",
						last.minute(), last.acknowledged(), last.ackP99(), last.queries(), last.queryP99(), last.residentMiB(), last.threads(),
						last.connections());
			}
			load.shutdownNow();
			load.awaitTermination(30, TimeUnit.SECONDS);
			for (Socket connection : connections) {
				connection.close();
			}
			report(record, minutes, perSecond, failures.get());
		}
	}

	private static void report(List<Minute> theRecord, int theMinutes, double thePerSecond, long theFailures) {
		System.out.printf("%nSoak: %d minutes, %.1f interrogations/s over MLLP and %.1f queries/s, database %s, %d failed%n", theMinutes, thePerSecond,
				thePerSecond, LoadedClinic.database(), theFailures);
		System.out.printf("| %6s | %5s | %11s | %7s | %13s | %7s | %7s | %11s | %7s |%n", "minute", "ACKs", "ACK p99 ms", "queries", "query p99 ms",
				"RSS MiB", "threads", "connections", "pending");
		System.out.printf("|%s|%s|%s|%s|%s|%s|%s|%s|%s|%n", "-".repeat(8), "-".repeat(7), "-".repeat(13), "-".repeat(9), "-".repeat(15), "-".repeat(9),
				"-".repeat(9), "-".repeat(13), "-".repeat(9));
		for (Minute minute : theRecord) {
			System.out.printf("| %6d | %5d | %11.0f | %7d | %13.0f | %7d | %7.0f | %11.0f | %7.0f |%n", minute.minute(), minute.acknowledged(),
					minute.ackP99(), minute.queries(), minute.queryP99(), minute.residentMiB(), minute.threads(), minute.connections(), minute.pending());
		}
		// the first minute is the warm-up (the first interrogation of each kind is validated in full, the JIT compiles)
		Minute first = theRecord.get(Math.min(1, theRecord.size() - 1));
		Minute last = theRecord.get(theRecord.size() - 1);
		System.out.printf("Last minute against minute %d: ACK p99 %.2fx, query p99 %.2fx, RSS %.2fx, threads %.2fx, database connections %.2fx%n",
				first.minute(), last.ackP99() / first.ackP99(), last.queryP99() / first.queryP99(), (double) last.residentMiB() / first.residentMiB(),
				last.threads() / first.threads(), last.connections() / first.connections());
	}

	private static long[] drain(ConcurrentLinkedQueue<Long> theNanos) {
		List<Long> drained = new ArrayList<>();
		for (Long nanos = theNanos.poll(); nanos != null; nanos = theNanos.poll()) {
			drained.add(nanos);
		}
		return drained.stream().mapToLong(Long::longValue).toArray();
	}
}
