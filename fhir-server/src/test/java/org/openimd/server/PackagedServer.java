package org.openimd.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.openimd.server.tls.SelfSignedKeyStore;

/**
 * A started server, and an HTTP client that trusts only the self-signed certificate it made in its
 * data directory, checking that it names localhost.
 */
public record PackagedServer(Process process, Path logFile, HttpClient http) {

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
	private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
	/** The JVM's exit status after a SIGTERM it handled through its shutdown hooks: 128 + 15. */
	public static final int EXIT_ON_SIGTERM = 143;
	private static final Pattern LOG_LINE_START = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T");

	/** A port nothing listens on now. */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Starts the launcher in {@code theWorkDir}, so that its data directory is {@code theWorkDir/data},
	 * with {@code theArguments} after the test's own, and waits until it is ready.
	 */
	public static PackagedServer start(Path theWorkDir, int thePort, String theName, List<String> theArguments) throws Exception {
		return start(theWorkDir, thePort, theName, theArguments, Map.of(),
				(process, log) -> awaitCertificate(process, theWorkDir.resolve("data/tls"), log));
	}

	/**
	 * The same with {@code theEnvironment} added to the launcher's, and an HTTP client that trusts
	 * {@code theTrust}: for a server given a certificate rather than making its own.
	 */
	public static PackagedServer start(Path theWorkDir, int thePort, String theName, List<String> theArguments, Map<String, String> theEnvironment,
			SSLContext theTrust) throws Exception {
		return start(theWorkDir, thePort, theName, theArguments, theEnvironment, (process, log) -> HttpClient.newBuilder().sslContext(theTrust).build());
	}

	private interface Trust {
		HttpClient clientFor(Process theProcess, Path theLogFile) throws Exception;
	}

	private static PackagedServer start(Path theWorkDir, int thePort, String theName, List<String> theArguments, Map<String, String> theEnvironment,
			Trust theTrust) throws Exception {
		List<String> command = new ArrayList<>(List.of(System.getProperty("openimd.server.launcher"), "--server.port=" + thePort));
		// a property given twice on the command line would be both values joined; a caller's wins
		Map<String, String> defaults = new LinkedHashMap<>();
		// any free MLLP port, so that a server a developer runs on 2575 does not get in the way
		defaults.put("openimd.mllp.port", "0");
		defaults.putAll(TestDatabase.current().packagedServerProperties());
		defaults.putAll(TestClients.registrations());
		defaults.keySet().removeIf(key -> theArguments.stream().anyMatch(argument -> argument.startsWith("--" + key + "=")));
		defaults.forEach((key, value) -> command.add("--" + key + "=" + value));
		command.addAll(theArguments);
		Path logFile = logFile(theWorkDir, theName);
		long startedAt = System.nanoTime();
		ProcessBuilder builder = new ProcessBuilder(command)
				.directory(theWorkDir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(logFile.toFile());
		builder.environment().putAll(theEnvironment);
		// the JVM the launcher runs, and the one its class-data-sharing archive was made with
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		Process process = builder.start();
		PackagedServer server = new PackagedServer(process, logFile, theTrust.clientFor(process, logFile));
		server.awaitReady(thePort);
		System.out.printf(
				"OpenIMD launcher (%s, %s start): ready in %.1f s, resident memory %d MiB%n",
				TestDatabase.current(), theName, (System.nanoTime() - startedAt) / 1e9, server.residentMiB());
		return server;
	}

	private static Path logFile(Path theWorkDir, String theName) throws IOException {
		Path logFile = Path.of(System.getProperty("openimd.it.logs", theWorkDir.toString()))
				.resolve("packaged-server-" + TestDatabase.current().name().toLowerCase() + "-" + theName + ".log");
		Files.createDirectories(logFile.getParent());
		return logFile;
	}

	private static HttpClient awaitCertificate(Process theProcess, Path theTlsDirectory, Path theLogFile) throws Exception {
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && theProcess.isAlive()) {
			Optional<SelfSignedKeyStore> store = SelfSignedKeyStore.find(theTlsDirectory);
			if (store.isPresent()) {
				return HttpClient.newBuilder()
						.sslContext(TestTls.trusting(store.get().location(), store.get().password()))
						.build();
			}
			Thread.sleep(200);
		}
		theProcess.destroyForcibly();
		throw new AssertionError("The server made no certificate in " + theTlsDirectory + ":\n" + Files.readString(theLogFile));
	}

	public HttpResponse<String> send(HttpRequest.Builder theRequest) throws IOException, InterruptedException {
		return http.send(theRequest.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private void awaitReady(int thePort) throws Exception {
		HttpRequest readiness = HttpRequest.newBuilder(
				URI.create("https://localhost:" + thePort + "/actuator/health/readiness")).build();
		long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!process.isAlive()) {
				throw new AssertionError("The server exited with " + process.exitValue() + " during start-up:\n" + log());
			}
			try {
				if (http.send(readiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return;
				}
			} catch (IOException notListeningYet) {
				// keep polling until the deadline
			}
			Thread.sleep(200);
		}
		process.destroyForcibly();
		throw new AssertionError("The server was not ready within " + START_TIMEOUT + ":\n" + log());
	}

	public int stop() throws Exception {
		process.destroy();
		if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new AssertionError("The server did not stop within " + STOP_TIMEOUT + " of SIGTERM:\n" + log());
		}
		return process.exitValue();
	}

	public long residentMiB() throws IOException {
		return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
				.filter(line -> line.startsWith("VmRSS:"))
				.map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
				.findFirst()
				.orElse(-1L);
	}

	public String log() throws IOException {
		return Files.readString(logFile);
	}

	/**
	 * Each line logged at ERROR with the lines that follow it up to the next log line (its stack
	 * trace), so that a failure shows the error itself and not the whole log from its start.
	 */
	public List<String> errorsLogged() throws IOException {
		List<String> errors = new ArrayList<>();
		StringBuilder current = null;
		for (String line : Files.readAllLines(logFile)) {
			boolean logLine = LOG_LINE_START.matcher(line).lookingAt();
			if (logLine && current != null) {
				errors.add(current.toString());
				current = null;
			}
			if (logLine && line.contains(" ERROR ")) {
				current = new StringBuilder(line);
			} else if (current != null) {
				current.append('\n').append(line);
			}
		}
		if (current != null) {
			errors.add(current.toString());
		}
		return errors;
	}

	/** The last {@code theCount} lines of the log. */
	public String logTail(int theCount) throws IOException {
		List<String> lines = Files.readAllLines(logFile);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - theCount), lines.size()));
	}
}
