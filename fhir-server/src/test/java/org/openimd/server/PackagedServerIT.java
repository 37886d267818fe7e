package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.server.tls.SelfSignedKeyStore;

/**
 * Runs the server exactly as the README tells a user to, with the launcher {@code mvn package} lays
 * out ({@code fhir-server/target/openimd/openimd}), on the H2 file database it defaults to (or on
 * PostgreSQL in the PostgreSQL run), over the HTTPS it defaults to, stops it with SIGTERM and starts it
 * again.
 *
 * <p>Start-up time and resident memory are printed for the record; they are measured by the start-up
 * benchmark, not asserted here.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class PackagedServerIT {

	private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
	private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);
	/** The JVM's exit status after a SIGTERM it handled through its shutdown hooks: 128 + 15. */
	private static final int EXIT_ON_SIGTERM = 143;

	@TempDir
	Path myWorkDir;

	@Test
	void servesFromTheJarKeepsDataAcrossARestartAndStopsGracefullyOnSigterm() throws Exception {
		int port = freePort();
		String identifier = UUID.randomUUID().toString();

		// given a server started from the jar, with a Patient stored through its FHIR API
		RunningServer first = RunningServer.start(myWorkDir, port, "first");
		String patientPath;
		String tokenOfFirstRun;
		Certificate certificateOfFirstRun;
		int exitStatus;
		try {
			HttpResponse<String> metadataResponse = first.send(HttpRequest.newBuilder(fhir(port, "metadata")).GET());
			CapabilityStatement metadata = FhirContext.forR4Cached().newJsonParser().parseResource(
					CapabilityStatement.class, metadataResponse.body());
			assertThat(metadata.getFhirVersion().toCode()).isEqualTo("4.0.1");
			assertThat(metadata.getSoftware().getName()).isEqualTo("OpenIMD");
			assertThat(metadataResponse.headers().firstValue("Strict-Transport-Security")).hasValueSatisfying(
					hsts -> assertThat(hsts).contains("max-age="));
			certificateOfFirstRun = metadataResponse.sslSession().orElseThrow().getPeerCertificates()[0];
			String token = TestClients.accessToken(first.http(), "https://localhost:" + port, TestClients.FULL_ACCESS,
					TestClients.FULL_ACCESS_SCOPES);
			HttpResponse<String> created = first.send(HttpRequest.newBuilder(fhir(port, "Patient"))
					.header("Authorization", "Bearer " + token)
					.header("Content-Type", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":"
							+ "[{\"system\":\"urn:openimd:test\",\"value\":\"" + identifier + "\"}]}")));
			assertThat(created.statusCode()).isEqualTo(201);
			String location = created.headers().firstValue("Location").orElseThrow();
			patientPath = location.substring(location.indexOf("/fhir/") + "/fhir/".length(), location.indexOf("/_history"));
			tokenOfFirstRun = token;

			// and it speaks nothing but TLS 1.2 or 1.3
			HttpResponse<String> plainHttp = HttpClient.newHttpClient().send(
					HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/metadata")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(plainHttp.statusCode()).isEqualTo(400);
			assertThat(plainHttp.body()).doesNotContain("CapabilityStatement");
			assertThat(TlsProbe.firstRecordTypeAnswering(port, TlsProbe.TLS_1_2)).isEqualTo(TlsProbe.HANDSHAKE);
			assertThat(TlsProbe.firstRecordTypeAnswering(port, TlsProbe.TLS_1_1)).isIn(TlsProbe.ALERT, TlsProbe.CLOSED);

			// when it is stopped with SIGTERM
			exitStatus = first.stop();
		} finally {
			first.process().destroyForcibly();
		}

		// then it shuts down gracefully
		assertThat(exitStatus).isEqualTo(EXIT_ON_SIGTERM);
		assertThat(first.log()).contains("Graceful shutdown complete").doesNotContain(" ERROR ");

		// and a new server on the same storage still has the Patient, its signing key, the token it issued
		// and its certificate
		RunningServer second = RunningServer.start(myWorkDir, port, "second");
		try {
			HttpResponse<String> read = second.send(HttpRequest.newBuilder(fhir(port, patientPath))
					.header("Authorization", "Bearer " + tokenOfFirstRun).GET());
			assertThat(read.statusCode()).isEqualTo(200);
			assertThat(read.body()).contains(identifier);
			assertThat(read.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(certificateOfFirstRun);
		} finally {
			second.stop();
		}
	}

	private static URI fhir(int thePort, String thePath) {
		return URI.create("https://localhost:" + thePort + "/fhir/" + thePath);
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A started server, and an HTTP client that trusts only the self-signed certificate it made in its
	 * data directory, checking that it names localhost.
	 */
	private record RunningServer(Process process, Path logFile, HttpClient http) {

		static RunningServer start(Path theWorkDir, int thePort, String theName) throws Exception {
			List<String> command = new ArrayList<>(List.of(
					System.getProperty("openimd.server.launcher"),
					"--server.port=" + thePort,
					// any free MLLP port, so that a server a developer runs on 2575 does not get in the way
					"--openimd.mllp.port=0"));
			TestDatabase.current().packagedServerProperties()
					.forEach((key, value) -> command.add("--" + key + "=" + value));
			TestClients.registrations().forEach((key, value) -> command.add("--" + key + "=" + value));
			Path logFile = Path.of(System.getProperty("openimd.it.logs", theWorkDir.toString()))
					.resolve("packaged-server-" + TestDatabase.current().name().toLowerCase() + "-" + theName + ".log");
			Files.createDirectories(logFile.getParent());
			long startedAt = System.nanoTime();
			ProcessBuilder builder = new ProcessBuilder(command)
					.directory(theWorkDir.toFile())
					.redirectErrorStream(true)
					.redirectOutput(logFile.toFile());
			// the JVM the launcher runs, and the one its class-data-sharing archive was made with
			builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
			Process process = builder.start();
			RunningServer server = new RunningServer(process, logFile, awaitCertificate(process, theWorkDir.resolve("data/tls"), logFile));
			server.awaitReady(thePort);
			System.out.printf(
					"OpenIMD launcher (%s, %s start): ready in %.1f s, resident memory %d MiB%n",
					TestDatabase.current(), theName, (System.nanoTime() - startedAt) / 1e9, server.residentMiB());
			return server;
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

		HttpResponse<String> send(HttpRequest.Builder theRequest) throws IOException, InterruptedException {
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

		int stop() throws Exception {
			process.destroy();
			if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new AssertionError("The server did not stop within " + STOP_TIMEOUT + " of SIGTERM:\n" + log());
			}
			return process.exitValue();
		}

		long residentMiB() throws IOException {
			return Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status")).stream()
					.filter(line -> line.startsWith("VmRSS:"))
					.map(line -> Long.parseLong(line.replaceAll("\\D", "")) / 1024)
					.findFirst()
					.orElse(-1L);
		}

		String log() throws IOException {
			return Files.readString(logFile);
		}
	}
}
