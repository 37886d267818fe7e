package org.openimd.benchmark;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.openimd.server.TestClients;

/** A benchmark's system access token, renewed before the 5-minute lifetime of a system token runs out. */
final class AccessTokens {
	private static final Duration RENEW_AFTER = Duration.ofMinutes(4);
	private final String myBase;
	private final String myScope;
	private String myToken;
	private Instant myIssuedAt = Instant.MIN;

	AccessTokens(String theBase) {
		this(theBase, "system/*.cruds");
	}

	AccessTokens(String theBase, String theScope) {
		myBase = theBase;
		myScope = theScope;
	}

	synchronized String current() throws IOException, InterruptedException {
		if (Instant.now().isAfter(myIssuedAt.plus(RENEW_AFTER))) {
			myToken = TestClients.accessToken(myBase, TestClients.FULL_ACCESS, myScope);
			myIssuedAt = Instant.now();
		}
		return myToken;
	}
}
