package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;

/**
 * Picks HAPI's Hibernate dialect from the JDBC URL, so that pointing {@code spring.datasource.url} at
 * PostgreSQL is the only step needed to move off the embedded database. HAPI's dialects matter: they
 * carry the sequence and index handling its schema relies on; HAPI's migration tasks need the matching
 * driver type.
 */
final class HapiDialects {

	private HapiDialects() {}

	static String forJdbcUrl(String theJdbcUrl) {
		return isPostgres(theJdbcUrl) ? HapiFhirPostgresDialect.class.getName() : HapiFhirH2Dialect.class.getName();
	}

	static DriverTypeEnum migrationDriverFor(String theJdbcUrl) {
		return isPostgres(theJdbcUrl) ? DriverTypeEnum.POSTGRES_9_4 : DriverTypeEnum.H2_EMBEDDED;
	}

	private static boolean isPostgres(String theJdbcUrl) {
		if (theJdbcUrl.startsWith("jdbc:postgresql:")) {
			return true;
		}
		if (theJdbcUrl.startsWith("jdbc:h2:")) {
			return false;
		}
		// Only the scheme goes into the message: a JDBC URL may carry a password.
		String scheme = String.join(":", java.util.Arrays.copyOf(theJdbcUrl.split(":", 3), 2));
		throw new IllegalStateException("OpenIMD supports PostgreSQL and the embedded H2 database; "
				+ "spring.datasource.url names " + scheme);
	}
}
