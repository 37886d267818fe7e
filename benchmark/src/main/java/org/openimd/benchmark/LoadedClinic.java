package org.openimd.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.openimd.terminology.IdcoTermTable;

/**
 * The packaged server started as its own process, with a clinic's data loaded into it over MLLP the
 * way devices send it: P patients with 8 interrogations each, by 4 senders. Request and ingest logs
 * are kept to warnings, so that logging does not weigh on what is measured afterwards.
 */
record LoadedClinic(ServerProcess server, IngestBenchmark.Result load) implements AutoCloseable {

	static final int INTERROGATIONS_PER_PATIENT = 8;
	private static final int SENDERS = 4;

	static LoadedClinic start(Path theLauncher, int thePatients, String theName) throws Exception {
		String run = Long.toString(System.currentTimeMillis() % 1_000_000, 36).toUpperCase();
		int mllpPort = ServerProcess.freePort();
		ServerProcess server = ServerProcess.start(List.of(theLauncher.toString()), false, ServerProcess.freePort(), mllpPort,
				Files.createTempDirectory("openimd-" + theName),
				List.of("--logging.level.openimd.fhir.requests=WARN", "--logging.level.org.openimd.server.ingest=WARN"));
		try {
			return new LoadedClinic(server, IngestBenchmark.sendOverMllp("load", IngestBenchmark.generated(IdcoTermTable.load(), run,
					thePatients * INTERROGATIONS_PER_PATIENT), 0, mllpPort, SENDERS));
		} catch (Exception | Error e) {
			server.close();
			throw e;
		}
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
