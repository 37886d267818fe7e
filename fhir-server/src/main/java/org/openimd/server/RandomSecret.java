package org.openimd.server;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values OpenIMD hands out (client secrets, refresh tokens, launch ids, passwords it sets). */
public final class RandomSecret {

	private static final SecureRandom RANDOM = new SecureRandom();

	private RandomSecret() {}

	/** {@code theBytes} random bytes, base64url without padding: safe in URLs, forms and JSON. */
	public static String urlSafe(int theBytes) {
		byte[] random = new byte[theBytes];
		RANDOM.nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}
}
