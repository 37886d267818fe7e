package org.openimd.server.security;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code jti}s of client assertions already used, kept until the assertion expires: a replayed
 * assertion is refused even after a restart, or by another instance on the same database.
 */
class ClientAssertionReplayCache {

	private final JdbcTemplate myJdbc;
	private final Clock myClock;

	ClientAssertionReplayCache(JdbcTemplate theJdbc, Clock theClock) {
		myJdbc = theJdbc;
		myClock = theClock;
	}

	/** True the first time an issuer uses a {@code jti}; false for every later use. */
	boolean firstUse(String theIssuer, String theJti, Instant theExpiresAt) {
		myJdbc.update("delete from openimd_client_assertion where expires_at < ?", Timestamp.from(myClock.instant()));
		try {
			myJdbc.update("insert into openimd_client_assertion (issuer, jti, expires_at) values (?, ?, ?)",
					theIssuer, theJti, Timestamp.from(theExpiresAt));
			return true;
		} catch (DuplicateKeyException replayed) {
			return false;
		}
	}
}
