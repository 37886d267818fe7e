package org.openimd.server.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Removes the authorization server's records of grants whose every token has expired. Spring
 * Authorization Server keeps them for ever, and every request to the API looks its token up among
 * them: a Backend Services client alone adds one every few minutes. A token past its expiry is refused
 * by its own {@code exp} whether or not its record is still there.
 */
class ExpiredAuthorizations {

	/** Project decision: how often the records are pruned, on one node of a cluster. */
	static final Duration PRUNED_EVERY = Duration.ofHours(1);

	private static final List<String> EXPIRIES = List.of("authorization_code_expires_at", "access_token_expires_at",
			"refresh_token_expires_at", "oidc_id_token_expires_at", "user_code_expires_at", "device_code_expires_at");
	/** Spelled out column by column: H2's {@code greatest} is null as soon as one of its arguments is. */
	private static final String PRUNE = "delete from oauth2_authorization where coalesce(" + String.join(", ", EXPIRIES) + ") is not null and "
			+ EXPIRIES.stream().map(expiry -> "(" + expiry + " is null or " + expiry + " < ?)").collect(Collectors.joining(" and "));

	private final JdbcTemplate myJdbc;
	private final Clock myClock;

	ExpiredAuthorizations(JdbcTemplate theJdbc, Clock theClock) {
		myJdbc = theJdbc;
		myClock = theClock;
	}

	/**
	 * Deletes authorizations whose last-expiring code or token expired before now. One without any token
	 * yet (a sign-in still waiting for consent) has no expiry to judge by and stays.
	 */
	int prune() {
		Timestamp now = Timestamp.from(myClock.instant());
		return myJdbc.update(PRUNE, EXPIRIES.stream().map(expiry -> now).toArray());
	}
}
