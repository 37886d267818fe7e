package org.openimd.server.security.login;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Failed sign-in steps counted per network address: the per-account lockout stops guessing one
 * person's password, this stops trying a few passwords across many accounts from one place. While an
 * address has failed too often within the last window, its sign-in attempts are refused, whichever
 * account and whatever the credentials. Kept in the database, so that the nodes of a cluster count
 * each other's failures and a restart forgets none; failures older than the window are deleted as new
 * ones come.
 */
class SignInThrottle {

	/** The width of the address column; longer addresses (IPv6 with a zone, say) are cut. */
	private static final int MAX_ADDRESS = 100;

	private final JdbcTemplate myJdbc;
	private final int myMaxFailures;
	private final Duration myWindow;
	private final Clock myClock;

	SignInThrottle(JdbcTemplate theJdbc, LoginProperties theProperties, Clock theClock) {
		myJdbc = theJdbc;
		myMaxFailures = theProperties.maxFailuresPerAddress();
		myWindow = theProperties.addressWindow();
		myClock = theClock;
	}

	boolean refuses(String theAddress) {
		Integer failures = myJdbc.queryForObject("select count(*) from openimd_signin_failure where address = ? and failed_at > ?", Integer.class,
				key(theAddress), Timestamp.from(windowStart()));
		return failures != null && failures >= myMaxFailures;
	}

	void failed(String theAddress) {
		myJdbc.update("delete from openimd_signin_failure where failed_at <= ?", Timestamp.from(windowStart()));
		myJdbc.update("insert into openimd_signin_failure (address, failed_at) values (?, ?)", key(theAddress), Timestamp.from(myClock.instant()));
	}

	private Instant windowStart() {
		return myClock.instant().minus(myWindow);
	}

	private static String key(String theAddress) {
		return theAddress.length() <= MAX_ADDRESS ? theAddress : theAddress.substring(0, MAX_ADDRESS);
	}
}
