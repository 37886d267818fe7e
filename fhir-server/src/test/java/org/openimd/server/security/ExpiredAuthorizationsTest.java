package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openimd.server.MigratedDatabases;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

class ExpiredAuthorizationsTest {

	private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");

	static Stream<DriverManagerDataSource> databases() {
		return MigratedDatabases.h2AndPostgres();
	}

	@ParameterizedTest
	@MethodSource("databases")
	void onlyGrantsWhoseEveryTokenExpiredAreRemoved(DriverManagerDataSource theDatabase) {
		JdbcTemplate jdbc = new JdbcTemplate(theDatabase);
		String accessExpired = grant(jdbc, NOW.minus(Duration.ofMinutes(1)), null);
		String accessValid = grant(jdbc, NOW.plus(Duration.ofMinutes(4)), null);
		String refreshStillValid = grant(jdbc, NOW.minus(Duration.ofHours(2)), NOW.plus(Duration.ofDays(1)));
		String refreshExpired = grant(jdbc, NOW.minus(Duration.ofDays(2)), NOW.minus(Duration.ofDays(1)));
		String awaitingConsent = grant(jdbc, null, null);

		new ExpiredAuthorizations(jdbc, Clock.fixed(NOW, ZoneOffset.UTC)).prune();

		assertThat(jdbc.queryForList("select id from oauth2_authorization where id in (?, ?, ?, ?, ?)", String.class,
				accessExpired, accessValid, refreshStillValid, refreshExpired, awaitingConsent))
				.containsExactlyInAnyOrder(accessValid, refreshStillValid, awaitingConsent);
	}

	@ParameterizedTest
	@MethodSource("databases")
	void onPostgresqlATokenIsLookedUpThroughAnIndex(DriverManagerDataSource theDatabase) {
		assumeTrue(theDatabase.getUrl().startsWith("jdbc:postgresql:"), "H2 cannot index its blob columns");
		assertThat(new JdbcTemplate(theDatabase).queryForList("select indexdef from pg_indexes where tablename = 'oauth2_authorization'", String.class))
				.anyMatch(index -> index.contains("USING hash (access_token_value)"))
				.anyMatch(index -> index.contains("USING hash (refresh_token_value)"));
	}

	private static String grant(JdbcTemplate theJdbc, Instant theAccessExpiry, Instant theRefreshExpiry) {
		String id = UUID.randomUUID().toString();
		theJdbc.update("insert into oauth2_authorization (id, registered_client_id, principal_name, authorization_grant_type,"
				+ " access_token_expires_at, refresh_token_expires_at) values (?, ?, ?, ?, ?, ?)",
				id, "client", "someone", "authorization_code", timestamp(theAccessExpiry), timestamp(theRefreshExpiry));
		return id;
	}

	private static Timestamp timestamp(Instant theInstant) {
		return theInstant == null ? null : Timestamp.from(theInstant);
	}
}
