package org.openimd.server;

import java.util.Map;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * OpenIMD's own tables beside HAPI's, kept by Flyway from the versioned scripts in {@code db/openimd}
 * (HAPI's tables are kept by HAPI's own migration tasks, see {@code fhir/HapiSchema}). Spring Boot runs
 * the migration at start before anything that reads the database.
 *
 * <p>A database made before versioned migrations (tables created when missing, no history) is taken up
 * from version 0, so every script runs on it; the first scripts create only what is missing, which
 * makes that safe. The scripts name the column types each database needs as {@code ${binary}} and
 * {@code ${instant}}. What differs between the databases by more than a type is a Java migration.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseSchema {

	static final String HISTORY_TABLE = "openimd_schema_history";

	@Bean
	FlywayConfigurationCustomizer openImdMigrations(DataSourceProperties theDataSourceProperties) {
		return theConfiguration -> configure(theConfiguration, theDataSourceProperties.determineUrl());
	}

	/** Flyway set up for OpenIMD's scripts on the database at {@code theJdbcUrl}; tests migrate their own databases with it. */
	public static FluentConfiguration configure(FluentConfiguration theConfiguration, String theJdbcUrl) {
		boolean postgres = theJdbcUrl.startsWith("jdbc:postgresql:");
		return theConfiguration
				.locations("classpath:db/openimd")
				.javaMigrations(new AuthorizationTokenIndexes(), new ReviewWorklistFill())
				.table(HISTORY_TABLE)
				.baselineOnMigrate(true)
				.baselineVersion("0")
				.placeholders(Map.of("binary", postgres ? "text" : "blob", "instant", postgres ? "timestamptz" : "timestamp"));
	}
}
