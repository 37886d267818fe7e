package org.openimd.server.security.login;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed sign-in steps counted per network address: the per-account lockout stops guessing one
 * person's password, this stops trying a few passwords across many accounts from one place. Once an
 * address has failed too often within the window, its sign-in attempts are refused, whichever account
 * and whatever the credentials, until the window that began with its first failure has passed. Kept in
 * memory: a restart forgets it, the account lockouts it backs up do not.
 */
class SignInThrottle {

	/** Beyond this many addresses, those whose window has passed are forgotten. */
	private static final int ADDRESSES_BEFORE_PRUNING = 10_000;

	private record Failures(Instant since, int count) {}

	private final int myMaxFailures;
	private final Duration myWindow;
	private final Clock myClock;
	private final Map<String, Failures> myFailures = new ConcurrentHashMap<>();

	SignInThrottle(LoginProperties theProperties, Clock theClock) {
		myMaxFailures = theProperties.maxFailuresPerAddress();
		myWindow = theProperties.addressWindow();
		myClock = theClock;
	}

	boolean refuses(String theAddress) {
		Failures failures = myFailures.get(theAddress);
		return failures != null && failures.count() >= myMaxFailures && !expired(failures);
	}

	void failed(String theAddress) {
		if (myFailures.size() > ADDRESSES_BEFORE_PRUNING) {
			myFailures.values().removeIf(this::expired);
		}
		myFailures.merge(theAddress, new Failures(myClock.instant(), 1),
				(present, first) -> expired(present) ? first : new Failures(present.since(), present.count() + 1));
	}

	private boolean expired(Failures theFailures) {
		return !myClock.instant().isBefore(theFailures.since().plus(myWindow));
	}
}
