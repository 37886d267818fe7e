package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.Certificate;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.server.alerts.TransmissionMessages;
import org.openimd.terminology.OpenImdUris;

/**
 * The backup and restore that docs/operations.md describes, round trip: a server's data is backed up
 * after it stops (H2: the data folder copied; PostgreSQL: {@code pg_dump} of the database and the data
 * folder's keys copied), restored onto empty storage, and a server started on it serves what was
 * stored: the Patient (read with a token the first server issued, so its signing key came back), the
 * raw message and the ingested device (searchable, so HAPI's indexes came back), under the same
 * certificate.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class BackupRestoreIT {

	/** The restored database's name after the test database's: .ci/run drops it before each run. */
	private static final String RESTORED = "restored";

	@TempDir
	Path myWorkDir;

	@Test
	void aBackupRestoredOntoEmptyStorageServesWhatWasStoredWithTheSameKeys() throws Exception {
		Path original = Files.createDirectories(myWorkDir.resolve("original"));
		Path restored = Files.createDirectories(myWorkDir.resolve("restored"));
		int port = PackagedServer.freePort();
		String serial = "BR" + UUID.randomUUID().toString().substring(0, 8);
		String identifier = UUID.randomUUID().toString();

		PackagedServer first = PackagedServer.start(original, port, "backed-up", List.of());
		String token;
		String patient;
		String controlId;
		Certificate certificate;
		try {
			token = TestClients.accessToken(first.http(), base(port), TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			HttpResponse<String> created = first.send(authorized(port, "/fhir/Patient", token).header("Content-Type", "application/fhir+json")
					.POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:openimd:test\",\"value\":\""
							+ identifier + "\"}]}")));
			assertThat(created.statusCode()).isEqualTo(201);
			patient = created.headers().firstValue("Location").orElseThrow().replaceAll(".*/fhir/(Patient/[^/]+)/_history.*", "$1");
			HttpResponse<String> ack = first.send(authorized(port, "/hl7v2", token).header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE)
					.POST(HttpRequest.BodyPublishers.ofString(TransmissionMessages.icdMessage(serial, "20261101"), StandardCharsets.ISO_8859_1)));
			Matcher accepted = Pattern.compile("MSA\\|AA\\|([^|\r]+)").matcher(ack.body());
			assertThat(accepted.find()).as(ack.body()).isTrue();
			controlId = accepted.group(1);
			certificate = ack.sslSession().orElseThrow().getPeerCertificates()[0];
		} finally {
			first.stop();
		}

		List<String> restoredDatabase = backUpAndRestore(original, restored);

		PackagedServer second = PackagedServer.start(restored, port, "restored", restoredDatabase);
		try {
			HttpResponse<String> read = second.send(authorized(port, "/fhir/" + patient, token));
			assertThat(read.statusCode()).as("read with the first server's token").isEqualTo(200);
			assertThat(read.body()).contains(identifier);
			assertThat(read.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(certificate);
			assertThat(second.send(authorized(port, "/fhir/Device?identifier=" + OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER + "%7CSTJ/CD2215-36/" + serial,
					token)).body()).contains("\"total\":1");
			assertThat(second.send(authorized(port, "/ingest/messages?status=accepted", token)).body()).as("the raw message's record")
					.contains("\"controlId\":\"" + controlId + "\"");
		} finally {
			second.stop();
			dropRestoredDatabase();
		}
	}

	/**
	 * The procedure of the docs: the data folder copied (on H2 it holds the database too); on PostgreSQL
	 * also the database dumped and restored into a new one. The arguments that point a server at it.
	 */
	private static List<String> backUpAndRestore(Path theOriginal, Path theRestored) throws Exception {
		copy(theOriginal.resolve("data"), theRestored.resolve("data"));
		if (TestDatabase.current() == TestDatabase.H2) {
			return List.of();
		}
		PostgresCommands postgres = new PostgresCommands();
		Path dump = theRestored.resolve("openimd.dump");
		postgres.run(List.of("pg_dump", "--format=custom", "--file=" + dump, "--dbname=" + postgres.testDatabase()));
		String restoredName = postgres.createEmptyDatabase(RESTORED);
		postgres.run(List.of("pg_restore", "--no-owner", "--exit-on-error", "--dbname=" + restoredName, dump.toString()));
		return List.of(postgres.datasourceArgument(restoredName));
	}

	private static void dropRestoredDatabase() throws Exception {
		if (TestDatabase.current() != TestDatabase.H2) {
			new PostgresCommands().dropDatabase(RESTORED);
		}
	}

	private static void copy(Path theFrom, Path theTo) throws IOException {
		try (Stream<Path> files = Files.walk(theFrom)) {
			for (Path file : files.toList()) {
				Path target = theTo.resolve(theFrom.relativize(file).toString());
				if (Files.isDirectory(file)) {
					Files.createDirectories(target);
				} else {
					Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
				}
			}
		}
	}

	private static String base(int thePort) {
		return "https://localhost:" + thePort;
	}

	private static HttpRequest.Builder authorized(int thePort, String thePath, String theToken) {
		return HttpRequest.newBuilder(URI.create(base(thePort) + thePath)).header("Authorization", "Bearer " + theToken);
	}
}
