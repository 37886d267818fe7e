package org.openimd.server.security.login;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.commons.codec.binary.Base32;

/**
 * Time-based one-time passwords as RFC 6238 defines them and authenticator apps expect them:
 * HMAC-SHA1, 6 digits, 30-second steps, base32 secrets of 160 bits. One step of clock skew is
 * accepted either way; the caller makes each step usable once by remembering the last one accepted.
 */
public final class Totp {

	static final int DIGITS = 6;
	static final long STEP_SECONDS = 30;
	private static final int SECRET_BYTES = 20;
	private static final int ALLOWED_SKEW_STEPS = 1;

	private final Clock myClock;

	public Totp(Clock theClock) {
		myClock = theClock;
	}

	public static String newSecret() {
		byte[] secret = new byte[SECRET_BYTES];
		new SecureRandom().nextBytes(secret);
		return new Base32().encodeToString(secret).replace("=", "");
	}

	/** The {@code otpauth://} URI an authenticator app reads from a QR code. */
	public static String enrolmentUri(String theIssuer, String theUsername, String theSecret) {
		String label = urlEncode(theIssuer) + ":" + urlEncode(theUsername);
		return "otpauth://totp/" + label + "?secret=" + theSecret + "&issuer=" + urlEncode(theIssuer)
				+ "&algorithm=SHA1&digits=" + DIGITS + "&period=" + STEP_SECONDS;
	}

	/**
	 * The time step {@code theCode} belongs to when it is right for {@code theSecret} now (within the
	 * allowed skew) and later than {@code theLastUsedStep}; empty otherwise.
	 */
	public OptionalLong verify(String theSecret, String theCode, long theLastUsedStep) {
		if (theCode == null || !theCode.matches("\\d{" + DIGITS + "}")) {
			return OptionalLong.empty();
		}
		byte[] key = new Base32().decode(theSecret);
		long now = currentStep();
		for (long step = now - ALLOWED_SKEW_STEPS; step <= now + ALLOWED_SKEW_STEPS; step++) {
			if (step > theLastUsedStep
					&& MessageDigest.isEqual(code(key, step, DIGITS).getBytes(), theCode.getBytes())) {
				return OptionalLong.of(step);
			}
		}
		return OptionalLong.empty();
	}

	/** The code for {@code theSecret} at this moment, as an authenticator app would show it. */
	public String currentCode(String theSecret) {
		return code(new Base32().decode(theSecret), currentStep(), DIGITS);
	}

	long currentStep() {
		return Math.floorDiv(myClock.millis() / 1000, STEP_SECONDS);
	}

	/** RFC 4226 HOTP of the counter {@code theStep}, truncated dynamically to {@code theDigits}. */
	static String code(byte[] theKey, long theStep, int theDigits) {
		try {
			Mac mac = Mac.getInstance("HmacSHA1");
			mac.init(new SecretKeySpec(theKey, "HmacSHA1"));
			byte[] hash = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(theStep).array());
			int offset = hash[hash.length - 1] & 0x0f;
			int binary = ((hash[offset] & 0x7f) << 24) | ((hash[offset + 1] & 0xff) << 16)
					| ((hash[offset + 2] & 0xff) << 8) | (hash[offset + 3] & 0xff);
			int modulus = (int) Math.pow(10, theDigits);
			return String.format("%0" + theDigits + "d", binary % modulus);
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
		}
	}

	private static String urlEncode(String theValue) {
		return URLEncoder.encode(theValue, StandardCharsets.UTF_8).replace("+", "%20");
	}
}
