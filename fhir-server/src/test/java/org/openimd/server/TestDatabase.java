package org.openimd.server;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The database an integration-test run stores its data in. Maven runs the integration suite once per
 * database and names it in the system property {@value #SELECTOR}.
 *
 * <p>PostgreSQL is found through the environment: {@value #PG_URL} (a JDBC URL, required),
 * {@value #PG_USER} (default {@code postgres}) and {@value #PG_PASSWORD} (default empty). Without a
 * URL every PostgreSQL test is reported as skipped, naming the variable, never passed.
 */
public enum TestDatabase {
	H2,
	POSTGRES;

	public static final String SELECTOR = "openimd.it.database";
	public static final String PG_URL = "OPENIMD_TEST_PG_URL";
	public static final String PG_USER = "OPENIMD_TEST_PG_USER";
	public static final String PG_PASSWORD = "OPENIMD_TEST_PG_PASSWORD";

	public static TestDatabase current() {
		return valueOf(System.getProperty(SELECTOR, "h2").toUpperCase());
	}

	Optional<String> unavailableReason() {
		if (this == POSTGRES && System.getenv(PG_URL) == null) {
			return Optional.of("PostgreSQL run skipped: set " + PG_URL + " to a JDBC URL of a PostgreSQL 15 database");
		}
		return Optional.empty();
	}

	/** Spring properties for a server in this JVM; an in-memory database stands for the embedded one. */
	public Map<String, String> springProperties() {
		return this == H2 ? Map.of("spring.datasource.url", "jdbc:h2:mem:openimd-it;DB_CLOSE_DELAY=-1") : postgres();
	}

	/**
	 * Spring properties for a server started from the packaged jar: none on H2, whose file database
	 * under {@code openimd.data-dir} is the jar's own default.
	 */
	public Map<String, String> packagedServerProperties() {
		return this == H2 ? Map.of() : postgres();
	}

	private static Map<String, String> postgres() {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("spring.datasource.url", System.getenv(PG_URL));
		properties.put("spring.datasource.username", System.getenv().getOrDefault(PG_USER, "postgres"));
		properties.put("spring.datasource.password", System.getenv().getOrDefault(PG_PASSWORD, ""));
		return properties;
	}

	/** Skips, with the reason, every test of a run whose database is not there. */
	public static class AvailableCondition implements ExecutionCondition {
		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext theContext) {
			TestDatabase database = current();
			return database.unavailableReason()
					.map(ConditionEvaluationResult::disabled)
					.orElseGet(() -> ConditionEvaluationResult.enabled("runs on " + database));
		}
	}
}
