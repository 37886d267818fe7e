package org.openimd.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.openimd.server.TestClients;

/**
 * The packaged server as its own process, started by a command such as the README's, on the PostgreSQL
 * named by OPENIMD_TEST_PG_URL (else on the H2 database in its working directory), with the
 * benchmark clients registered. Over HTTPS it trusts only the self-signed certificate the server made
 * in its working directory.
 */
final class ServerProcess implements AutoCloseable {

	private static final long START_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(3);
	private static final String SELF_SIGNED_STORE = "data/tls/openimd-self-signed.p12";
	private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*\\})? ([0-9.eE+-]+)$");

	private final Process myProcess;
	private final String myBase;
	private final HttpClient myHttp;
	private final double myReadySeconds;

	private ServerProcess(Process theProcess, String theBase, HttpClient theHttp, double theReadySeconds) {
		myProcess = theProcess;
		myBase = theBase;
		myHttp = theHttp;
		myReadySeconds = theReadySeconds;
	}

	/**
	 * Starts {@code theCommand} followed by the server's arguments in {@code theWorkDir} and returns once
	 * its readiness probe answers UP.
	 */
	static ServerProcess start(List<String> theCommand, boolean theTls, int theHttpPort, int theMllpPort, Path theWorkDir,
			List<String> theArguments) throws Exception {
		List<String> command = new ArrayList<>(theCommand);
		command.add("--server.port=" + theHttpPort);
		command.add("--openimd.mllp.port=" + theMllpPort);
		command.add("--server.ssl.enabled=" + theTls);
		command.addAll(theArguments);
		TestClients.registrations().forEach((key, value) -> command.add("--" + key + "=" + value));
		String pgUrl = System.getenv("OPENIMD_TEST_PG_URL");
		if (pgUrl != null) {
			command.add("--spring.datasource.url=" + pgUrl);
			command.add("--spring.datasource.username=" + System.getenv().getOrDefault("OPENIMD_TEST_PG_USER", "postgres"));
			command.add("--spring.datasource.password=" + System.getenv().getOrDefault("OPENIMD_TEST_PG_PASSWORD", ""));
		}
		String base = (theTls ? "https" : "http") + "://localhost:" + theHttpPort;
		long startedAt = System.nanoTime();
		ProcessBuilder builder = new ProcessBuilder(command).directory(theWorkDir.toFile()).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(theWorkDir.resolve("server.log").toFile()));
		// the launcher then runs the JVM this benchmark runs on, as the jar's baseline does
		builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
		Process process = builder.start();
		HttpRequest readiness = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build();
		HttpClient http = theTls ? null : HttpClient.newHttpClient();
		while (System.nanoTime() - startedAt < START_TIMEOUT_NANOS && process.isAlive()) {
			if (http == null) {
				http = trustingSelfSigned(theWorkDir).orElse(null);
			}
			if (http != null && answersUp(http, readiness)) {
				return new ServerProcess(process, base, http, (System.nanoTime() - startedAt) / 1e9);
			}
			Thread.sleep(50);
		}
		process.destroyForcibly();
		throw new IllegalStateException("the server did not become ready; see " + theWorkDir.resolve("server.log"));
	}

	private static boolean answersUp(HttpClient theHttp, HttpRequest theReadiness) throws InterruptedException {
		try {
			return theHttp.send(theReadiness, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
		} catch (IOException notYet) {
			return false;
		}
	}

	/**
	 * Loads the store itself: the tests' {@code TestTls} needs the server's own classes, which are not on
	 * this class path (the executable jar is not a library).
	 */
	private static Optional<HttpClient> trustingSelfSigned(Path theWorkDir) throws Exception {
		Path store = theWorkDir.resolve(SELF_SIGNED_STORE);
		Path passwordFile = theWorkDir.resolve(SELF_SIGNED_STORE + ".password");
		if (!Files.exists(store) || !Files.exists(passwordFile)) {
			return Optional.empty();
		}
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(store)) {
			keys.load(in, Files.readString(passwordFile, StandardCharsets.UTF_8).strip().toCharArray());
		} catch (IOException stillBeingWritten) {
			return Optional.empty();
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(keys);
		SSLContext tls = SSLContext.getInstance("TLS");
		tls.init(null, trust.getTrustManagers(), null);
		return Optional.of(HttpClient.newBuilder().sslContext(tls).build());
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	String base() {
		return myBase;
	}

	HttpClient http() {
		return myHttp;
	}

	double readySeconds() {
		return myReadySeconds;
	}

	/** The server's resident set size, as {@code ps} reports it. */
	long residentMiB() throws IOException {
		return Files.readAllLines(Path.of("/proc", Long.toString(myProcess.pid()), "status")).stream()
				.filter(line -> line.startsWith("VmRSS:"))
				.map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
				.findFirst()
				.orElseThrow();
	}

	/** The server's own metrics (its Prometheus endpoint), each summed over its tags (all pools, all thread states). */
	Map<String, Double> metrics(AccessTokens theOperator) throws Exception {
		return metrics(theOperator, "");
	}

	/** The server's own metrics, each summed over the samples whose tags contain {@code theTag} (such as {@code name="x"}). */
	Map<String, Double> metrics(AccessTokens theOperator, String theTag) throws Exception {
		String scraped = myHttp.send(HttpRequest.newBuilder(URI.create(myBase + "/actuator/prometheus"))
				.header("Authorization", "Bearer " + theOperator.current()).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
		Map<String, Double> sums = new HashMap<>();
		Matcher sample = SAMPLE.matcher(scraped);
		while (sample.find()) {
			String tags = sample.group(2) == null ? "" : sample.group(2);
			if (tags.contains(theTag)) {
				sums.merge(sample.group(1), Double.parseDouble(sample.group(3)), Double::sum);
			}
		}
		return sums;
	}

	@Override
	public void close() throws InterruptedException {
		myProcess.destroy();
		if (!myProcess.waitFor(60, TimeUnit.SECONDS)) {
			myProcess.destroyForcibly();
		}
	}
}
