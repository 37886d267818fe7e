package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * HAPI's migration tasks on an empty database of each kind: HAPI's tables are made, every task is
 * recorded, and a later start finds nothing to do; on PostgreSQL two nodes starting at once both come up.
 * (An H2 database belongs to one process, so it has no second node.)
 */
class HapiSchemaTest {

	private static final String PG_URL = System.getenv("OPENIMD_TEST_PG_URL");

	static Stream<DriverManagerDataSource> emptyDatabases() {
		DriverManagerDataSource embedded = new DriverManagerDataSource("jdbc:h2:mem:hapi-schema-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		return PG_URL == null ? Stream.of(embedded) : Stream.of(embedded, emptyPostgresSchema());
	}

	@ParameterizedTest
	@MethodSource("emptyDatabases")
	void hapisTablesAreMadeOnAnEmptyDatabaseAndALaterStartFindsNothingToDo(DriverManagerDataSource theDatabase) throws Exception {
		try {
			new HapiSchema(theDatabase, theDatabase.getUrl());
			long recorded = recordedTasks(theDatabase);
			assertThat(recorded).as("HAPI's tasks, each recorded").isGreaterThan(700);

			new HapiSchema(theDatabase, theDatabase.getUrl());
			assertThat(recordedTasks(theDatabase)).as("a later start records nothing new").isEqualTo(recorded);
		} finally {
			dropIfPostgres(theDatabase);
		}
	}

	@Test
	void twoNodesStartingAtOnceOnPostgresBothComeUp() throws Exception {
		assumeTrue(PG_URL != null, "PostgreSQL run skipped: set OPENIMD_TEST_PG_URL to a JDBC URL of a PostgreSQL 15 database");
		DriverManagerDataSource database = emptyPostgresSchema();
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<CompletableFuture<HapiSchema>> nodes = Stream.generate(() -> CompletableFuture.supplyAsync(() -> {
				try {
					start.await();
					return new HapiSchema(database, database.getUrl());
				} catch (Exception e) {
					throw new IllegalStateException(e);
				}
			})).limit(2).toList();
			start.countDown();
			for (CompletableFuture<HapiSchema> node : nodes) {
				assertThat(node.get(2, TimeUnit.MINUTES)).isNotNull();
			}
			assertThat(new JdbcTemplate(database).queryForObject("select count(*) from HFJ_RESOURCE", Long.class)).isZero();
			assertThat(new JdbcTemplate(database).queryForObject("select count(*) from \"" + HapiSchema.MIGRATION_TABLE
					+ "\" group by \"installed_rank\" order by count(*) desc limit 1", Long.class)).as("no task recorded twice").isEqualTo(1);
		} finally {
			dropIfPostgres(database);
		}
	}

	private static long recordedTasks(DriverManagerDataSource theDatabase) {
		return new JdbcTemplate(theDatabase).queryForObject("select count(*) from \"" + HapiSchema.MIGRATION_TABLE + "\" where \"success\" = true",
				Long.class);
	}

	/** An empty schema of its own in the test database, dropped with everything in it by {@link #dropIfPostgres}. */
	private static DriverManagerDataSource emptyPostgresSchema() {
		String schema = "hapi_schema_" + UUID.randomUUID().toString().replace("-", "");
		DriverManagerDataSource testDatabase = new DriverManagerDataSource(PG_URL,
				System.getenv().getOrDefault("OPENIMD_TEST_PG_USER", "postgres"), System.getenv().getOrDefault("OPENIMD_TEST_PG_PASSWORD", ""));
		new JdbcTemplate(testDatabase).execute("create schema " + schema);
		return new DriverManagerDataSource(PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema,
				testDatabase.getUsername(), testDatabase.getPassword());
	}

	private static void dropIfPostgres(DriverManagerDataSource theDatabase) {
		if (theDatabase.getUrl().contains("currentSchema=")) {
			new JdbcTemplate(theDatabase).execute("drop schema " + theDatabase.getUrl().replaceAll(".*currentSchema=", "") + " cascade");
		}
	}
}
