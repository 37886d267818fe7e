package org.openimd.benchmark;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.mappers.idco.IdcoFixtures;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.terminology.IdcoTermTable;

/**
 * IDCO ingest throughput and ACK latency, against the packaged server started as its own process (on
 * the PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2). In one run, for typical interrogations
 * (generated, about 28 values) and for full ones (the public IHE-style CRT-D message with its 292
 * values, made unique per message), it measures:
 *
 * <ol>
 *   <li>the baseline: the interrogations, mapped here, posted as FHIR transactions straight to
 *       {@code /fhir} by C concurrent clients (what HAPI alone costs);
 *   <li>OpenIMD ingest: as many more of the same shape (other serial numbers, so neither half finds the
 *       other's data) sent as HL7 v2 over MLLP by C concurrent senders, each waiting for its ACK.
 * </ol>
 *
 * Usage: {@code IngestBenchmark <launcher> <messages> <senders> <full messages>}. Bounded: it sends
 * exactly the messages asked for, to loopback only, and stops the server it started.
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

	/** Makes {@code theCount} messages whose data belongs to nobody else's: the prefix keeps each run and half apart. */
	private interface Messages {
		List<byte[]> make(String thePrefix, int theCount);
	}

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int messages = Integer.parseInt(theArgs[1]);
		int senders = Integer.parseInt(theArgs[2]);
		int fullMessages = Integer.parseInt(theArgs[3]);
		IdcoTermTable terms = IdcoTermTable.load();
		String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase();

		int mllpPort = ServerProcess.freePort();
		Path workDir = Files.createTempDirectory("openimd-benchmark");
		// ingest is measured, not TLS: the FHIR baseline and MLLP both run without it
		try (ServerProcess server = ServerProcess.start(List.of(launcher.toString()), false, ServerProcess.freePort(), mllpPort,
				workDir, List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN"))) {
			WaysIn waysIn = new WaysIn(server, new AccessTokens(server.base()), new IdcoOruMapper(terms, ZoneOffset.UTC), mllpPort, senders);
			List<Result> typical = waysIn.compare("typical", (prefix, count) -> generated(terms, run + prefix, count), messages);
			List<Result> full = waysIn.compare("full", (prefix, count) -> full(run + prefix, count), fullMessages);

			System.out.printf("%nIDCO ingest benchmark: %d typical and %d full interrogations, %d concurrent senders, database %s%n",
					messages, fullMessages, senders, System.getenv("OPENIMD_TEST_PG_URL") == null ? "H2 (embedded)" : "PostgreSQL");
			System.out.printf("| %-46s | %10s | %14s | %9s | %9s |%n", "interrogations, path", "messages/s", "observations/s", "p50 ms", "p99 ms");
			System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(48), "-".repeat(12), "-".repeat(16), "-".repeat(11), "-".repeat(11));
			for (Result result : List.of(typical.get(0), typical.get(1), full.get(0), full.get(1))) {
				System.out.printf("| %-46s | %10.1f | %14.0f | %9.1f | %9.1f |%n", result.name(), result.messagesPerSecond(),
						result.observationsPerSecond(), result.percentileMillis(0.50), result.percentileMillis(0.99));
			}
			for (List<Result> pair : List.of(typical, full)) {
				System.out.printf("%s: MLLP ingest / FHIR baseline: throughput %.2f, p99 latency %.2f%n", pair.get(0).name().split(",")[0],
						pair.get(1).messagesPerSecond() / pair.get(0).messagesPerSecond(), pair.get(1).percentileMillis(0.99) / pair.get(0).percentileMillis(0.99));
			}
		}
	}

	/** The two ways in to one server, each warmed up before it is measured. */
	private record WaysIn(ServerProcess server, AccessTokens tokens, IdcoOruMapper mapper, int mllpPort, int senders) {

		/** The baseline, then ingest, on messages of one kind; both warmed up first, so that neither pays the JIT and cache start-up alone. */
		List<Result> compare(String theKind, Messages theMessages, int theCount) throws Exception {
			fhirBaseline("warm-up", theMessages.make("V", WARM_UP));
			mllp("warm-up", theMessages.make("W", WARM_UP));
			return List.of(fhirBaseline(theKind + ", FHIR transaction POST /fhir (baseline)", theMessages.make("A", theCount)),
					mllp(theKind + ", HL7 v2 over MLLP (OpenIMD ingest)", theMessages.make("B", theCount)));
		}

		private Result fhirBaseline(String theName, List<byte[]> theMessages) throws Exception {
			IParser json = FhirContext.forR4Cached().newJsonParser();
			List<String> bundles = new ArrayList<>();
			long observations = 0;
			for (byte[] message : theMessages) {
				Bundle transaction = mapper.map(message, Instant.now()).transaction();
				observations += components(transaction);
				bundles.add(json.encodeResourceToString(transaction));
			}
			return run(theName, bundles.size(), observations, senders, index -> {
				HttpResponse<String> response;
				int attempt = 0;
				do {
					// Concurrent transactions can race on the same conditional create (the sending application's
					// Device); HAPI answers 409 and the client tries again, as OpenIMD's ingest does internally.
					response = server.http().send(HttpRequest.newBuilder(URI.create(server.base() + "/fhir"))
							.header("Authorization", "Bearer " + tokens.current())
							.header("Content-Type", "application/fhir+json")
							.POST(HttpRequest.BodyPublishers.ofString(bundles.get(index))).build(), HttpResponse.BodyHandlers.ofString());
				} while (response.statusCode() == 409 && ++attempt < 3);
				if (response.statusCode() != 200) {
					throw new IllegalStateException("transaction " + index + " answered " + response.statusCode() + ": " + response.body());
				}
			});
		}

		private Result mllp(String theName, List<byte[]> theMessages) throws Exception {
			long observations = 0;
			for (byte[] message : theMessages) {
				observations += components(mapper.map(message, Instant.now()).transaction());
			}
			return sendOverMllp(theName, theMessages, observations, mllpPort, senders);
		}
	}

	/** Sends the messages over MLLP from C connections at once, each waiting for its ACK, which must be AA. */
	static Result sendOverMllp(String theName, List<byte[]> theMessages, long theObservations, int thePort, int theSenders) throws Exception {
		List<Socket> connections = new ArrayList<>();
		for (int i = 0; i < theSenders; i++) {
			connections.add(new Socket("localhost", thePort));
		}
		try {
			return run(theName, theMessages.size(), theObservations, theSenders, index -> {
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

	/**
	 * The public full CRT-D interrogation, each copy another patient with another generator and leads:
	 * the patient's identifiers, the serial numbers and the control id carry the prefix and the copy's number.
	 */
	private static List<byte[]> full(String thePrefix, int theCount) {
		String fixture = IdcoFixtures.text(IdcoFixtures.IHE_BIOTRONIK_CRTD);
		List<byte[]> messages = new ArrayList<>(theCount);
		for (int i = 0; i < theCount; i++) {
			String copy = thePrefix + i;
			String message = fixture.replace("1234123412341^^^BSC^U", "P" + copy + "^^^BSC^U")
					.replace("149202063490^^^BSC^SS", "S" + copy + "^^^BSC^SS")
					.replace("|5867463524|", "|G" + copy + "|")
					.replaceAll("\\|12345678(1[234])\\|", "|L" + copy + "-$1|");
			messages.add(IdcoFixtures.withControlId(message, "F" + copy).getBytes(StandardCharsets.ISO_8859_1));
		}
		return messages;
	}

	/** Patient-major, session-minor: each of N/8 patients has 8 interrogations, a month apart. */
	static List<byte[]> generated(IdcoTermTable theTerms, String thePrefix, int theCount) {
		IdcoMessageGenerator generator = new IdcoMessageGenerator(theTerms, thePrefix);
		int patients = Math.max(1, theCount / INTERROGATIONS_PER_PATIENT);
		List<byte[]> messages = new ArrayList<>(theCount);
		for (int i = 0; i < theCount; i++) {
			messages.add(generator.interrogation(i % patients, i / patients).getBytes(StandardCharsets.ISO_8859_1));
		}
		return messages;
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
}
