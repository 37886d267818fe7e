package org.openimd.server;

import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * A Java migration of OpenIMD's schema, named by its version and description rather than by Flyway's
 * class-name convention. No checksum: Flyway then checks only that it ran, not what its code was.
 */
abstract class NamedJavaMigration implements JavaMigration {

	private final MigrationVersion myVersion;
	private final String myDescription;

	NamedJavaMigration(String theVersion, String theDescription) {
		myVersion = MigrationVersion.fromVersion(theVersion);
		myDescription = theDescription;
	}

	@Override
	public MigrationVersion getVersion() {
		return myVersion;
	}

	@Override
	public String getDescription() {
		return myDescription;
	}

	@Override
	public Integer getChecksum() {
		return null;
	}

	@Override
	public boolean canExecuteInTransaction() {
		return true;
	}
}
