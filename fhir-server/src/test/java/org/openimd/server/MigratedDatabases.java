package org.openimd.server;

import java.util.UUID;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Fresh in-memory H2, and the tests' PostgreSQL when there is one, with OpenIMD's tables migrated in. */
public final class MigratedDatabases {

	private MigratedDatabases() {}

	public static Stream<DriverManagerDataSource> h2AndPostgres() {
		DriverManagerDataSource embedded = new DriverManagerDataSource("jdbc:h2:mem:migrated-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
		String postgres = System.getenv(TestDatabase.PG_URL);
		Stream<DriverManagerDataSource> all = postgres == null ? Stream.of(embedded) : Stream.of(embedded, new DriverManagerDataSource(postgres,
				System.getenv().getOrDefault(TestDatabase.PG_USER, "postgres"), System.getenv().getOrDefault(TestDatabase.PG_PASSWORD, "")));
		return all.peek(MigratedDatabases::migrate);
	}

	public static void migrate(DriverManagerDataSource theDatabase) {
		DatabaseSchema.configure(Flyway.configure().dataSource(theDatabase), theDatabase.getUrl()).load().migrate();
	}
}
