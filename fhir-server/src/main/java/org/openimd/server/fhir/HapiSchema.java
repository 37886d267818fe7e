package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import javax.sql.DataSource;

/**
 * HAPI's tables, kept by HAPI's own migration tasks (those its command-line migrator runs) before
 * Hibernate opens them. On an empty database HAPI's script for this version creates them whole; on a
 * database an earlier HAPI version migrated, only the tasks added since run. Each task is recorded in
 * {@value #MIGRATION_TABLE}.
 *
 * <p>A database an earlier OpenIMD made (Hibernate's schema update from this HAPI version's entities,
 * without that table) counts as initialised: HAPI finds its tables and records every task up to this
 * version as done without running it, so a later HAPI version runs only its own.
 *
 * <p>Nodes starting together on PostgreSQL take turns under an advisory lock: HAPI's own lock is a row
 * in its table, which two nodes creating that table at once would both try to make.
 */
public final class HapiSchema {

	static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";
	/** The advisory lock's key: any number no other PostgreSQL client of the database uses. */
	private static final long POSTGRES_LOCK = 0x4f70656e494d44L;

	HapiSchema(DataSource theDataSource, String theJdbcUrl) throws SQLException {
		DriverTypeEnum driver = HapiDialects.migrationDriverFor(theJdbcUrl);
		if (driver != DriverTypeEnum.POSTGRES_9_4) {
			migrate(theDataSource, driver);
			return;
		}
		try (Connection lockHolder = theDataSource.getConnection()) {
			advisoryLock(lockHolder, "pg_advisory_lock");
			try {
				migrate(theDataSource, driver);
			} finally {
				advisoryLock(lockHolder, "pg_advisory_unlock");
			}
		}
	}

	private static void migrate(DataSource theDataSource, DriverTypeEnum theDriver) {
		HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, theDataSource, theDriver);
		migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
		migrator.createMigrationTableIfRequired();
		migrator.migrate();
	}

	private static void advisoryLock(Connection theConnection, String theFunction) throws SQLException {
		try (PreparedStatement statement = theConnection.prepareStatement("select " + theFunction + "(?)")) {
			statement.setLong(1, POSTGRES_LOCK);
			statement.execute();
		}
	}
}
