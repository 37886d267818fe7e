package org.openimd.benchmark;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.openimd.terminology.IdcoTermTable;

/**
 * The packaged server started as its own process, with a clinic's data loaded into it over MLLP the
 * way devices send it: P patients with 8 interrogations each, by 4 senders. Request and ingest logs
 * are kept to warnings, so that logging does not weigh on what is measured afterwards.
 *
 * <p>Loading 10,000 patients takes hours on a small machine, so a clinic may be named (system property
 * {@code bench.clinic}) on a database of its own: its messages are then the same in every run, and a
 * run loads only what an earlier one did not. The load goes in chunks, each sent in full before the
 * next, so that what is stored is every chunk before the last one begun; that one is sent again, and the
 * server acknowledges its copies as duplicates without storing them twice.
 */
record LoadedClinic(ServerProcess server, IngestBenchmark.Result load, int loadedBefore) implements AutoCloseable {

	static final int INTERROGATIONS_PER_PATIENT = 8;
	private static final int SENDERS = 4;
	private static final int CHUNK = 2_000;
	/** The server's executor of transmission triage, by its bean name. */
	private static final String TRIAGE_EXECUTOR = "triageWorker";
	private static final long TRIAGE_TIMEOUT_NANOS = TimeUnit.HOURS.toNanos(1);

	static LoadedClinic start(Path theLauncher, int thePatients, String theName) throws Exception {
		String clinic = System.getProperty("bench.clinic", "");
		String run = clinic.isBlank() ? Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase() : clinic;
		int mllpPort = ServerProcess.freePort();
		ServerProcess server = ServerProcess.start(List.of(theLauncher.toString()), false, ServerProcess.freePort(), mllpPort,
				Files.createTempDirectory("openimd-" + theName),
				List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN"));
		try {
			List<byte[]> messages = IngestBenchmark.generated(IdcoTermTable.load(), run, thePatients * INTERROGATIONS_PER_PATIENT);
			int resumeAt = clinic.isBlank() ? 0 : Math.min(messages.size(), storedInterrogations(server) / CHUNK * CHUNK);
			List<IngestBenchmark.Result> chunks = new ArrayList<>();
			for (int from = resumeAt; from < messages.size(); from += CHUNK) {
				chunks.add(IngestBenchmark.sendOverMllp("load", messages.subList(from, Math.min(messages.size(), from + CHUNK)), 0, mllpPort, SENDERS));
				System.out.printf("loaded %d of %d interrogations%n", Math.min(messages.size(), from + CHUNK), messages.size());
			}
			awaitTriageDone(server);
			return new LoadedClinic(server, new IngestBenchmark.Result("load", chunks.stream().mapToInt(IngestBenchmark.Result::messages).sum(), 0,
					chunks.stream().mapToDouble(IngestBenchmark.Result::seconds).sum(),
					chunks.stream().flatMapToLong(chunk -> LongStream.of(chunk.latenciesNanos())).toArray()), resumeAt);
		} catch (Exception | Error e) {
			server.close();
			throw e;
		}
	}

	/**
	 * Waits until the server has judged every transmission of the load (its triage runs after the ACK, one at
	 * a time), so that a backlog of it does not weigh on what is measured next.
	 */
	private static void awaitTriageDone(ServerProcess theServer) throws Exception {
		AccessTokens operator = new AccessTokens(theServer.base(), "openimd.operations");
		long lastAck = System.nanoTime();
		while (System.nanoTime() - lastAck < TRIAGE_TIMEOUT_NANOS) {
			Map<String, Double> triage = theServer.metrics(operator, "name=\"" + TRIAGE_EXECUTOR + "\"");
			if (!triage.containsKey("executor_queued_tasks") || !triage.containsKey("executor_active_threads")) {
				throw new IllegalStateException("the server's metrics say nothing of its triage executor " + TRIAGE_EXECUTOR);
			}
			if (triage.get("executor_queued_tasks") + triage.get("executor_active_threads") == 0) {
				System.out.printf("triage of the load done %.0f s after its last ACK%n", (System.nanoTime() - lastAck) / 1e9);
				return;
			}
			Thread.sleep(1000);
		}
		throw new IllegalStateException("the server was still triaging the load an hour after its last ACK");
	}

	private static int storedInterrogations(ServerProcess theServer) throws Exception {
		AccessTokens tokens = new AccessTokens(theServer.base());
		HttpResponse<String> count = theServer.http().send(HttpRequest.newBuilder(URI.create(theServer.base() + "/fhir/DiagnosticReport?_summary=count"))
				.header("Authorization", "Bearer " + tokens.current()).header("Accept", "application/fhir+json").GET().build(),
				HttpResponse.BodyHandlers.ofString());
		if (count.statusCode() != 200) {
			throw new IllegalStateException("counting the stored interrogations answered " + count.statusCode() + ": " + count.body());
		}
		return new ObjectMapper().readTree(count.body()).path("total").asInt();
	}

	/** How the data came to be there, for the report. */
	String loadDescription() {
		String thisRun = String.format("%d interrogations loaded in %.0f s (%.1f a second)", load.messages(), load.seconds(),
				load.messages() == 0 ? 0 : load.messagesPerSecond());
		return loadedBefore == 0 ? thisRun : String.format("%d loaded by earlier runs, %s", loadedBefore, thisRun);
	}

	/** The database the server runs on, for the report. */
	static String database() {
		return System.getenv("OPENIMD_TEST_PG_URL") == null ? "H2 (embedded)" : "PostgreSQL";
	}

	@Override
	public void close() throws InterruptedException {
		server.close();
	}
}
