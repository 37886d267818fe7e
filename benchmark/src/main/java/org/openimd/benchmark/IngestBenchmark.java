package org.openimd.benchmark;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.server.TestClients;
import org.openimd.terminology.IdcoTermTable;

/**
 * IDCO ingest throughput and ACK latency, against the packaged server started as its own process (on
 * the PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2). In one run it measures:
 *
 * <ol>
 *   <li>the baseline: N generated interrogations, mapped here, posted as FHIR transactions straight to
 *       {@code /fhir} by C concurrent clients (what HAPI alone costs);
 *   <li>OpenIMD ingest: N more of the same shape (other serial numbers, so neither half finds the
 *       other's data) sent as HL7 v2 over MLLP by C concurrent senders, each waiting for its ACK.
 * </ol>
 *
 * Usage: {@code IngestBenchmark <launcher> <messages> <senders>}. Bounded: it sends exactly the
 * messages asked for, to loopback only, and stops the server it started.
 */
public final class IngestBenchmark {

	private static final int INTERROGATIONS_PER_PATIENT = 8;
	private static final int WARM_UP = 40;

	private IngestBenchmark() {}

	/** One side's result. */
	record Result(String name, int messages, long observations, double seconds, long[] latenciesNanos) {

		double messagesPerSecond() {
			return messages / seconds;
		}

		double observationsPerSecond() {
			return observations / seconds;
		}

		double percentileMillis(double thePercentile) {
			return Latencies.percentileMillis(latenciesNanos, thePercentile);
		}
	}

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int messages = Integer.parseInt(theArgs[1]);
		int senders = Integer.parseInt(theArgs[2]);
		IdcoTermTable terms = IdcoTermTable.load();
		String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase();

		int mllpPort = ServerProcess.freePort();
		Path workDir = Files.createTempDirectory("openimd-benchmark");
		// ingest is measured, not TLS: the FHIR baseline and MLLP both run without it
		try (ServerProcess server = ServerProcess.start(List.of(launcher.toString()), false, ServerProcess.freePort(), mllpPort,
				workDir, List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN"))) {
			HttpClient http = server.http();
			String base = server.base();
			AccessTokens tokens = new AccessTokens(base);
			IdcoOruMapper mapper = new IdcoOruMapper(terms, ZoneOffset.UTC);
			IParser json = FhirContext.forR4Cached().newJsonParser();

			// warm-up, unmeasured: both paths, so that neither pays the JIT and cache start-up alone
			fhirBaseline("warm-up", messages(terms, run + "V", WARM_UP), mapper, json, http, base, tokens, senders);
			mllp("warm-up", messages(terms, run + "W", WARM_UP), mllpPort, senders);

			Result baseline = fhirBaseline("FHIR transaction POST /fhir (baseline)", messages(terms, run + "A", messages), mapper, json, http, base, tokens,
					senders);
			Result ingest = mllp("HL7 v2 over MLLP (OpenIMD ingest)", messages(terms, run + "B", messages), mllpPort, senders);

			System.out.printf("%nIDCO ingest benchmark: %d interrogations, %d concurrent senders, database %s%n",
					messages, senders, System.getenv("OPENIMD_TEST_PG_URL") == null ? "H2 (embedded)" : "PostgreSQL");
			System.out.printf("| %-38s | %10s | %14s | %9s | %9s |%n", "path", "messages/s", "observations/s", "p50 ms", "p99 ms");
			System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(40), "-".repeat(12), "-".repeat(16), "-".repeat(11), "-".repeat(11));
			for (Result result : List.of(baseline, ingest)) {
				System.out.printf("| %-38s | %10.1f | %14.0f | %9.1f | %9.1f |%n", result.name(), result.messagesPerSecond(),
						result.observationsPerSecond(), result.percentileMillis(0.50), result.percentileMillis(0.99));
			}
			System.out.printf("MLLP ingest / FHIR baseline: throughput %.2f, p99 latency %.2f%n",
					ingest.messagesPerSecond() / baseline.messagesPerSecond(), ingest.percentileMillis(0.99) / baseline.percentileMillis(0.99));
		}
	}

	/** Patient-major, session-minor: each of N/8 patients has 8 interrogations, a month apart. */
	private static List<byte[]> messages(IdcoTermTable theTerms, String thePrefix, int theCount) {
		IdcoMessageGenerator generator = new IdcoMessageGenerator(theTerms, thePrefix);
		int patients = Math.max(1, theCount / INTERROGATIONS_PER_PATIENT);
		List<byte[]> messages = new ArrayList<>(theCount);
		for (int i = 0; i < theCount; i++) {
			messages.add(generator.interrogation(i % patients, i / patients).getBytes(StandardCharsets.ISO_8859_1));
		}
		return messages;
	}

	private static Result fhirBaseline(String theName, List<byte[]> theMessages, IdcoOruMapper theMapper, IParser theJson,
			HttpClient theHttp, String theBase, AccessTokens theTokens, int theClients) throws Exception {
		List<String> bundles = new ArrayList<>();
		long observations = 0;
		for (byte[] message : theMessages) {
			Bundle transaction = theMapper.map(message, Instant.now()).transaction();
			observations += components(transaction);
			bundles.add(theJson.encodeResourceToString(transaction));
		}
		return run(theName, bundles.size(), observations, theClients, index -> {
			HttpResponse<String> response;
			int attempt = 0;
			do {
				// Concurrent transactions can race on the same conditional create (the sending application's
				// Device); HAPI answers 409 and the client tries again, as OpenIMD's ingest does internally.
				response = theHttp.send(HttpRequest.newBuilder(URI.create(theBase + "/fhir"))
						.header("Authorization", "Bearer " + theTokens.current())
						.header("Content-Type", "application/fhir+json")
						.POST(HttpRequest.BodyPublishers.ofString(bundles.get(index))).build(), HttpResponse.BodyHandlers.ofString());
			} while (response.statusCode() == 409 && ++attempt < 3);
			if (response.statusCode() != 200) {
				throw new IllegalStateException("transaction " + index + " answered " + response.statusCode() + ": " + response.body());
			}
		});
	}

	private static Result mllp(String theName, List<byte[]> theMessages, int thePort, int theSenders) throws Exception {
		IdcoOruMapper counter = new IdcoOruMapper(IdcoTermTable.load(), ZoneOffset.UTC);
		long observations = 0;
		for (byte[] message : theMessages) {
			observations += components(counter.map(message, Instant.now()).transaction());
		}
		List<Socket> connections = new ArrayList<>();
		for (int i = 0; i < theSenders; i++) {
			connections.add(new Socket("localhost", thePort));
		}
		try {
			return run(theName, theMessages.size(), observations, theSenders, index -> {
				String ack = send(connections.get(index % theSenders), theMessages.get(index));
				if (!ack.contains("MSA|AA|")) {
					throw new IllegalStateException("message " + index + " was not accepted: " + ack);
				}
			});
		} finally {
			for (Socket connection : connections) {
				connection.close();
			}
		}
	}

	private interface Send {
		void send(int theIndex) throws Exception;
	}

	/** Sender k sends messages k, k+C, k+2C, … one after the other, timing each until its answer. */
	private static Result run(String theName, int theCount, long theObservations, int theSenders, Send theSend) throws Exception {
		long[] latencies = new long[theCount];
		ExecutorService pool = Executors.newFixedThreadPool(theSenders);
		long start = System.nanoTime();
		List<Future<?>> senders = new ArrayList<>();
		for (int sender = 0; sender < theSenders; sender++) {
			int first = sender;
			senders.add(pool.submit(() -> {
				for (int index = first; index < theCount; index += theSenders) {
					long sent = System.nanoTime();
					theSend.send(index);
					latencies[index] = System.nanoTime() - sent;
				}
				return null;
			}));
		}
		try {
			for (Future<?> sender : senders) {
				sender.get();
			}
		} finally {
			pool.shutdownNow();
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		return new Result(theName, theCount, theObservations, seconds, latencies);
	}

	private static long components(Bundle theTransaction) {
		return theTransaction.getEntry().stream()
				.filter(entry -> entry.getResource() instanceof Observation)
				.mapToLong(entry -> ((Observation) entry.getResource()).getComponent().size())
				.sum();
	}

	/** Sends one message over MLLP on {@code theConnection} and returns its ACK. */
	static String send(Socket theConnection, byte[] theMessage) throws IOException {
		OutputStream out = theConnection.getOutputStream();
		out.write(0x0B);
		out.write(theMessage);
		out.write(0x1C);
		out.write(0x0D);
		out.flush();
		InputStream in = theConnection.getInputStream();
		while (in.read() != 0x0B) {
			// skip to the ACK's start block
		}
		ByteArrayOutputStream ack = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != 0x1C) {
			if (b == -1) {
				throw new IOException("connection closed inside an ACK");
			}
			ack.write(b);
		}
		in.read();
		return ack.toString(StandardCharsets.ISO_8859_1);
	}

	/** The baseline's access token, renewed before the 5-minute lifetime of a system token runs out. */
	private static final class AccessTokens {
		private static final Duration RENEW_AFTER = Duration.ofMinutes(4);
		private final String myBase;
		private String myToken;
		private Instant myIssuedAt = Instant.MIN;

		AccessTokens(String theBase) {
			myBase = theBase;
		}

		synchronized String current() throws IOException, InterruptedException {
			if (Instant.now().isAfter(myIssuedAt.plus(RENEW_AFTER))) {
				myToken = TestClients.accessToken(myBase, TestClients.FULL_ACCESS, "system/*.cruds");
				myIssuedAt = Instant.now();
			}
			return myToken;
		}
	}
}
