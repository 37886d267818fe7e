package org.openimd.benchmark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Start-up time and idle memory of the server as the README starts it (the {@code openimd} launcher)
 * against the baseline of the same build started as a plain executable jar with the JVM's defaults
 * ({@code java -jar openimd-server.jar}), alternating the two in one run.
 *
 * <p>Each side starts once on an empty data directory (first start: schema, keys, certificate,
 * implementation guide) and then restarts on it {@code rounds} times. Ready is the readiness probe
 * answering UP over the server's own HTTPS, measured from process start; idle memory is the resident
 * set size after the server has been ready and idle for {@code idleSeconds}.
 *
 * <p>Usage: {@code StartupBenchmark <launcher> <server jar> <rounds> <idleSeconds>}.
 */
public final class StartupBenchmark {

	private StartupBenchmark() {}

	record Start(double readySeconds, long residentMiB) {}

	public static void main(String[] theArgs) throws Exception {
		Map<String, List<String>> sides = new LinkedHashMap<>();
		sides.put("java -jar openimd-server.jar (baseline)", List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", Path.of(theArgs[1]).toAbsolutePath().toString()));
		sides.put("openimd launcher (README)", List.of(Path.of(theArgs[0]).toAbsolutePath().toString()));
		int rounds = Integer.parseInt(theArgs[2]);
		long idleMillis = Long.parseLong(theArgs[3]) * 1000;

		Map<String, Path> workDirs = new LinkedHashMap<>();
		Map<String, Start> firstStarts = new LinkedHashMap<>();
		Map<String, List<Start>> restarts = new LinkedHashMap<>();
		for (Map.Entry<String, List<String>> side : sides.entrySet()) {
			Path workDir = Files.createTempDirectory("openimd-startup");
			workDirs.put(side.getKey(), workDir);
			firstStarts.put(side.getKey(), startIdleAndStop(side.getValue(), workDir, idleMillis));
			restarts.put(side.getKey(), new ArrayList<>());
		}
		for (int round = 0; round < rounds; round++) {
			for (Map.Entry<String, List<String>> side : sides.entrySet()) {
				restarts.get(side.getKey()).add(startIdleAndStop(side.getValue(), workDirs.get(side.getKey()), idleMillis));
			}
		}

		System.out.printf("%nStart-up benchmark: %d restarts each after a first start, %d s idle, database %s, %d cores%n",
				rounds, idleMillis / 1000, System.getenv("OPENIMD_TEST_PG_URL") == null ? "H2 (embedded)" : "PostgreSQL",
				Runtime.getRuntime().availableProcessors());
		System.out.printf("| %-40s | %15s | %17s | %16s |%n", "started as", "first start, s", "restart, median s", "idle RSS, MiB");
		System.out.printf("|%s|%s|%s|%s|%n", "-".repeat(42), "-".repeat(17), "-".repeat(19), "-".repeat(18));
		for (String side : sides.keySet()) {
			System.out.printf("| %-40s | %15.1f | %17.1f | %16d |%n", side, firstStarts.get(side).readySeconds(),
					medianReady(restarts.get(side)), medianResident(restarts.get(side)));
		}
		List<String> names = List.copyOf(sides.keySet());
		String baseline = names.get(0);
		String launcher = names.get(1);
		System.out.printf("launcher / baseline: first start %.2f, restart %.2f, idle RSS %.2f%n",
				firstStarts.get(launcher).readySeconds() / firstStarts.get(baseline).readySeconds(),
				medianReady(restarts.get(launcher)) / medianReady(restarts.get(baseline)),
				(double) medianResident(restarts.get(launcher)) / medianResident(restarts.get(baseline)));
	}

	private static Start startIdleAndStop(List<String> theCommand, Path theWorkDir, long theIdleMillis) throws Exception {
		try (ServerProcess server = ServerProcess.start(theCommand, true, ServerProcess.freePort(), ServerProcess.freePort(),
				theWorkDir, List.of())) {
			Thread.sleep(theIdleMillis);
			return new Start(server.readySeconds(), server.residentMiB());
		}
	}

	private static double medianReady(List<Start> theStarts) {
		return theStarts.stream().mapToDouble(Start::readySeconds).sorted().toArray()[theStarts.size() / 2];
	}

	private static long medianResident(List<Start> theStarts) {
		return theStarts.stream().mapToLong(Start::residentMiB).sorted().toArray()[theStarts.size() / 2];
	}
}
