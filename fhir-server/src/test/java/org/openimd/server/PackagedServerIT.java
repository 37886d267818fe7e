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

	@TempDir
	Path myWorkDir;

	@Test
	void servesFromTheJarKeepsDataAcrossARestartAndStopsGracefullyOnSigterm() throws Exception {
		int port = PackagedServer.freePort();
		String identifier = UUID.randomUUID().toString();

		// given a server started from the jar, with a Patient stored through its FHIR API
		PackagedServer first = PackagedServer.start(myWorkDir, port, "first", List.of());
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
		assertThat(exitStatus).isEqualTo(PackagedServer.EXIT_ON_SIGTERM);
		assertThat(first.log().contains("Graceful shutdown complete"))
				.as("a graceful shutdown, at the end of the log:%n%s", first.logTail(60)).isTrue();
		assertThat(first.errorsLogged()).isEmpty();
		// and H2, when it is the database, recorded no failed statement in its trace file
		Path h2Trace = myWorkDir.resolve("data/openimd.trace.db");
		if (Files.exists(h2Trace)) {
			assertThat(Files.readString(h2Trace)).as("H2's trace file").doesNotContain("Exception");
		}

		// and a new server on the same storage still has the Patient, its signing key, the token it issued
		// and its certificate
		PackagedServer second = PackagedServer.start(myWorkDir, port, "second", List.of());
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

}
