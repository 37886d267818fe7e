package org.openimd.server.security.login;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.apache.commons.codec.binary.Base32;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * OpenIMD's people and both their factors: a password kept only as an adaptive hash (bcrypt, through
 * Spring's delegating encoder, so that the algorithm can be raised later) and a TOTP secret. Every
 * failure counts toward a lockout, whichever factor failed.
 */
public class UserAccounts {

	public enum Outcome {
		ACCEPTED,
		REJECTED,
		LOCKED
	}

	/** How many recovery codes a person holds: one for each time the authenticator is lost before new ones are issued. */
	static final int RECOVERY_CODES = 10;
	private static final Pattern RECOVERY_CODE = Pattern.compile("[A-Z2-7]{5}-[A-Z2-7]{5}");
	private static final SecureRandom RANDOM = new SecureRandom();

	/** Hashed once, so that an unknown username costs as much time as a known one. */
	private final String myDummyHash;

	private final JdbcTemplate myJdbc;
	private final PasswordEncoder myPasswords;
	private final Totp myTotp;
	private final LoginProperties myProperties;
	private final Clock myClock;

	public UserAccounts(JdbcTemplate theJdbc, PasswordEncoder thePasswords, Totp theTotp, LoginProperties theProperties, Clock theClock) {
		myJdbc = theJdbc;
		myPasswords = thePasswords;
		myTotp = theTotp;
		myProperties = theProperties;
		myClock = theClock;
		myDummyHash = thePasswords.encode("not a password of anyone");
	}

	/**
	 * Creates an account and returns it with its new TOTP secret, which the person enrols in an
	 * authenticator app.
	 *
	 * @throws IllegalArgumentException when the username is taken or the password too short
	 */
	public UserAccount create(String theUsername, String thePassword, Role theRole, Optional<String> theFhirUser,
			Optional<String> theOrganization) {
		if (thePassword.length() < myProperties.minPasswordLength()) {
			throw new IllegalArgumentException("a password needs at least " + myProperties.minPasswordLength() + " characters");
		}
		String secret = Totp.newSecret();
		try {
			myJdbc.update("insert into openimd_user (username, password_hash, totp_secret, role, fhir_user, organization) values (?, ?, ?, ?, ?, ?)",
					theUsername, myPasswords.encode(thePassword), secret, theRole.name(), theFhirUser.orElse(null),
					theOrganization.orElse(null));
		} catch (DuplicateKeyException e) {
			throw new IllegalArgumentException("the username " + theUsername + " is taken", e);
		}
		return find(theUsername).orElseThrow();
	}

	public Optional<UserAccount> find(String theUsername) {
		return myJdbc.query("select * from openimd_user where username = ?", UserAccounts::account, theUsername).stream().findFirst();
	}

	public List<UserAccount> all() {
		return myJdbc.query("select * from openimd_user order by username", UserAccounts::account);
	}

	/** The first factor. A locked account is refused even with the right password. */
	public Outcome checkPassword(String theUsername, String thePassword) {
		Optional<UserAccount> account = find(theUsername);
		if (account.isEmpty()) {
			myPasswords.matches(thePassword, myDummyHash);
			return Outcome.REJECTED;
		}
		if (account.get().lockedAt(myClock.instant())) {
			return Outcome.LOCKED;
		}
		return record(account.get(), myPasswords.matches(thePassword, account.get().passwordHash()), OptionalLong.empty());
	}

	/** The second factor: a current code not used before by this account. */
	public Outcome checkCode(String theUsername, String theCode) {
		UserAccount account = find(theUsername).orElseThrow();
		if (account.lockedAt(myClock.instant())) {
			return Outcome.LOCKED;
		}
		OptionalLong step = myTotp.verify(account.totpSecret(), theCode, account.lastTotpStep());
		return record(account, step.isPresent(), step);
	}

	/**
	 * New recovery codes for the person, replacing any earlier ones: each stands in for an authenticator
	 * code once, for when the authenticator is lost. Only their hashes are kept; the codes are answered once.
	 */
	public List<String> newRecoveryCodes(String theUsername) {
		List<String> codes = new ArrayList<>();
		myJdbc.update("delete from openimd_recovery_code where username = ?", theUsername);
		for (int i = 0; i < RECOVERY_CODES; i++) {
			byte[] random = new byte[7];
			RANDOM.nextBytes(random);
			String letters = new Base32().encodeToString(random).substring(0, 10);
			String code = letters.substring(0, 5) + "-" + letters.substring(5);
			myJdbc.update("insert into openimd_recovery_code (username, code_hash) values (?, ?)", theUsername, hash(code));
			codes.add(code);
		}
		return codes;
	}

	/** Whether {@code theCode} has the shape of a recovery code rather than an authenticator code. */
	public static boolean isRecoveryCode(String theCode) {
		return theCode != null && RECOVERY_CODE.matcher(theCode.strip().toUpperCase(Locale.ROOT)).matches();
	}

	/** The second factor from a recovery code: one of the person's, not used before; it is used up here. */
	public Outcome checkRecoveryCode(String theUsername, String theCode) {
		UserAccount account = find(theUsername).orElseThrow();
		if (account.lockedAt(myClock.instant())) {
			return Outcome.LOCKED;
		}
		int used = myJdbc.update("update openimd_recovery_code set used_at = ? where username = ? and code_hash = ? and used_at is null",
				Timestamp.from(myClock.instant()), theUsername, hash(theCode.strip().toUpperCase(Locale.ROOT)));
		return record(account, used == 1, OptionalLong.empty());
	}

	/** How many of the person's recovery codes are left. */
	public int recoveryCodesLeft(String theUsername) {
		return myJdbc.queryForObject("select count(*) from openimd_recovery_code where username = ? and used_at is null", Integer.class,
				theUsername);
	}

	/** A recovery code carries 50 random bits, so a fast hash keeps it as safe as a slow one would keep a password. */
	private static String hash(String theCode) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(theCode.getBytes(StandardCharsets.UTF_8)));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("SHA-256 is part of every JDK", e);
		}
	}

	private Outcome record(UserAccount theAccount, boolean theAccepted, OptionalLong theUsedStep) {
		if (theAccepted) {
			myJdbc.update("update openimd_user set failed_attempts = 0, locked_until = null, last_totp_step = ? where username = ?",
					theUsedStep.orElse(theAccount.lastTotpStep()), theAccount.username());
			return Outcome.ACCEPTED;
		}
		int failures = theAccount.failedAttempts() + 1;
		boolean lock = failures >= myProperties.maxFailedAttempts();
		myJdbc.update("update openimd_user set failed_attempts = ?, locked_until = ? where username = ?",
				failures, lock ? Timestamp.from(myClock.instant().plus(myProperties.lockout())) : null, theAccount.username());
		return lock ? Outcome.LOCKED : Outcome.REJECTED;
	}

	private static UserAccount account(ResultSet theRow, int theRowNumber) throws SQLException {
		Timestamp lockedUntil = theRow.getTimestamp("locked_until");
		return new UserAccount(
				theRow.getString("username"),
				theRow.getString("password_hash"),
				theRow.getString("totp_secret"),
				Role.valueOf(theRow.getString("role")),
				Optional.ofNullable(theRow.getString("fhir_user")),
				Optional.ofNullable(theRow.getString("organization")),
				theRow.getInt("failed_attempts"),
				Optional.ofNullable(lockedUntil).map(Timestamp::toInstant),
				theRow.getLong("last_totp_step"));
	}
}
