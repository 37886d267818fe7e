package org.openimd.server.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Whom a token speaks for, as what they start (a search's pages, a subscription) belongs to: the
 * person (or system) and the app. Another app of the same person is another owner; another token of the
 * same person and app is the same one.
 */
final class TokenOwner {

	private TokenOwner() {}

	static String of(Jwt theToken) {
		return theToken.getSubject() + " " + Optional.ofNullable(theToken.getClaimAsString(SmartClaims.CLIENT_ID)).orElse("");
	}

	/** The owner as a code that may be stored on a resource: it names nobody to whoever reads it. */
	static String code(Jwt theToken) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(of(theToken).getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java runtime has SHA-256", e);
		}
	}
}
