package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.h2.tools.RunScript;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.server.alerts.TransmissionMessages;
import org.openimd.terminology.OpenImdUris;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * An upgrade from the previous release's schema: a database that OpenIMD made before versioned
 * migrations (Hibernate's schema update, OpenIMD's tables created when missing, no migration history),
 * holding that release's demo data, is restored (see {@code upgrade/README.md} beside the dumps for how
 * they were made) and the packaged server of this version started on it. It must serve the old data,
 * store new data, record HAPI's and OpenIMD's migration histories, and find nothing left to migrate when
 * started again.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class UpgradeIT {

	private static final String UPGRADED = "upgraded";
	/** The previous release's demo: four patients, two interrogations each, ingested as HL7 v2 messages. */
	private static final int PREVIOUS_PATIENTS = 4;
	private static final int PREVIOUS_MESSAGES = 8;
	/** MDC_IDC_MSMT_BATTERY_VOLTAGE: between 2.6 and 3.14 V in every demo interrogation. */
	private static final String BATTERY_VOLTAGE = "721344";

	@TempDir
	Path myWorkDir;

	@Test
	void aDatabaseThePreviousReleaseMadeServesItsDataAndTakesNewData() throws Exception {
		List<String> database = restorePreviousRelease();
		int port = PackagedServer.freePort();
		String serial = "UP" + UUID.randomUUID().toString().substring(0, 8);

		PackagedServer upgraded = PackagedServer.start(myWorkDir, port, "upgraded", database);
		try {
			String token = TestClients.accessToken(upgraded.http(), base(port), TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			assertThat(total(upgraded, port, token, "/fhir/Patient?_summary=count")).as("the previous release's patients").isEqualTo(PREVIOUS_PATIENTS);
			assertThat(total(upgraded, port, token, "/fhir/Observation?idco-value=" + BATTERY_VOLTAGE + "$gt2&_summary=count"))
					.as("OpenIMD's own index of IDCO values, kept: each interrogation's battery voltage").isEqualTo(PREVIOUS_MESSAGES);
			assertThat(upgraded.send(authorized(port, "/ingest/messages?status=accepted", token)).body())
					.as("the raw messages the previous release stored").containsPattern("(\"controlId\":\"DEMO[^\"]*\".*){" + PREVIOUS_MESSAGES + "}");

			HttpResponse<String> ack = upgraded.send(authorized(port, "/hl7v2", token).header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE)
					.POST(HttpRequest.BodyPublishers.ofString(TransmissionMessages.icdMessage(serial, "20261205"), StandardCharsets.ISO_8859_1)));
			assertThat(ack.body()).as("a new interrogation stored beside the old ones").contains("MSA|AA|");
			assertThat(total(upgraded, port, token, "/fhir/Patient?_summary=count")).isEqualTo(PREVIOUS_PATIENTS + 1);
			assertThat(total(upgraded, port, token, "/fhir/Device?identifier=" + OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER + "%7CSTJ/CD2215-36/"
					+ serial + "&_summary=count")).isEqualTo(1);
			assertThat(upgraded.errorsLogged()).isEmpty();
		} finally {
			upgraded.stop();
		}

		try (Connection connection = connect(database)) {
			assertThat(count(connection, "select count(*) from \"FLY_HFJ_MIGRATION\" where \"success\" = true"))
					.as("HAPI's tasks recorded as done").isGreaterThan(100);
		}
		MigrationInfoService openImdMigrations = DatabaseSchema.configure(Flyway.configure().dataSource(dataSource(database)), url(database)).load().info();
		assertThat(openImdMigrations.all()).as("OpenIMD's history: the previous release's tables taken as version 0, then every script run")
				.extracting(MigrationInfo::getState).containsOnlyOnce(MigrationState.BASELINE).containsOnly(MigrationState.BASELINE, MigrationState.SUCCESS)
				.hasSizeGreaterThan(1);

		PackagedServer restarted = PackagedServer.start(myWorkDir, port, "restarted", database);
		try {
			String token = TestClients.accessToken(restarted.http(), base(port), TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			assertThat(total(restarted, port, token, "/fhir/Patient?_summary=count")).isEqualTo(PREVIOUS_PATIENTS + 1);
			assertThat(restarted.log()).as("nothing left to migrate").contains("Completed executing 0 migration tasks");
		} finally {
			restarted.stop();
			if (TestDatabase.current() == TestDatabase.POSTGRES) {
				new PostgresCommands().dropDatabase(UPGRADED);
			}
		}
	}

	/** The previous release's dump restored onto empty storage; the arguments that point a server at it. */
	private List<String> restorePreviousRelease() throws Exception {
		Path script = myWorkDir.resolve("previous-release.sql");
		String dump = TestDatabase.current() == TestDatabase.H2 ? "previous-release-h2.sql.gz" : "previous-release-postgres.sql.gz";
		try (InputStream compressed = UpgradeIT.class.getResourceAsStream("upgrade/" + dump)) {
			assertThat(compressed).as(dump).isNotNull();
			Files.copy(new GZIPInputStream(compressed), script);
		}
		if (TestDatabase.current() == TestDatabase.H2) {
			RunScript.execute(h2Url(), "sa", "", script.toString(), StandardCharsets.UTF_8, false);
			return List.of();
		}
		PostgresCommands postgres = new PostgresCommands();
		String name = postgres.createEmptyDatabase(UPGRADED);
		postgres.psql(name, "--file=" + script);
		return List.of(postgres.datasourceArgument(name));
	}

	private String h2Url() {
		return "jdbc:h2:file:" + myWorkDir.resolve("data/openimd").toAbsolutePath();
	}

	private Connection connect(List<String> theServerArguments) throws SQLException {
		return dataSource(theServerArguments).getConnection();
	}

	private DriverManagerDataSource dataSource(List<String> theServerArguments) {
		if (theServerArguments.isEmpty()) {
			return new DriverManagerDataSource(h2Url(), "sa", "");
		}
		Map<String, String> postgres = TestDatabase.POSTGRES.packagedServerProperties();
		return new DriverManagerDataSource(url(theServerArguments), postgres.get("spring.datasource.username"), postgres.get("spring.datasource.password"));
	}

	private String url(List<String> theServerArguments) {
		return theServerArguments.isEmpty() ? h2Url() : theServerArguments.get(0).substring("--spring.datasource.url=".length());
	}

	private static long count(Connection theConnection, String theQuery) throws SQLException {
		try (ResultSet result = theConnection.createStatement().executeQuery(theQuery)) {
			result.next();
			return result.getLong(1);
		}
	}

	private static int total(PackagedServer theServer, int thePort, String theToken, String thePath) throws Exception {
		HttpResponse<String> response = theServer.send(authorized(thePort, thePath, theToken));
		assertThat(response.statusCode()).as(thePath + ": " + response.body()).isEqualTo(200);
		java.util.regex.Matcher total = java.util.regex.Pattern.compile("\"total\":(\\d+)").matcher(response.body());
		assertThat(total.find()).as(response.body()).isTrue();
		return Integer.parseInt(total.group(1));
	}

	private static String base(int thePort) {
		return "https://localhost:" + thePort;
	}

	private static HttpRequest.Builder authorized(int thePort, String thePath, String theToken) {
		return HttpRequest.newBuilder(URI.create(base(thePort) + thePath)).header("Authorization", "Bearer " + theToken);
	}
}
