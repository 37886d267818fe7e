package org.openimd.server.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openimd.server.RandomSecret;
import org.openimd.server.OwnerOnlyFile;

/**
 * A PKCS12 key store holding one self-signed certificate, made once by the JDK's {@code keytool} and
 * kept, so that a client that pinned it on first use still trusts it after a restart. It lets the
 * server speak HTTPS from its first start; a real deployment supplies its own certificate instead.
 *
 * <p>PKCS12 requires a password. It is kept beside the store (owner-only) because nothing else could
 * give it to the server unattended; the store is only as safe as the data directory, like the H2
 * database next to it.
 */
public record SelfSignedKeyStore(Path location, String password) {

	public static final String ALIAS = "openimd";
	public static final String TYPE = "PKCS12";
	private static final String FILE_NAME = "openimd-self-signed.p12";
	private static final String PASSWORD_FILE_NAME = FILE_NAME + ".password";
	/**
	 * The certificate alone, public, in the PEM form {@code curl --cacert} and {@code CURL_CA_BUNDLE}
	 * take, so that a first trial can trust the server without exporting anything.
	 */
	public static final String CERTIFICATE_FILE_NAME = "openimd-self-signed.pem";
	/** The longest validity browsers accept for a server certificate they are told to trust. */
	private static final int VALIDITY_DAYS = 398;

	/** The store under {@code theDirectory}, made there first if it does not exist yet. */
	public static SelfSignedKeyStore in(Path theDirectory) {
		return find(theDirectory).orElseGet(() -> make(theDirectory));
	}

	/** The store under {@code theDirectory}, if one has been made there. */
	public static Optional<SelfSignedKeyStore> find(Path theDirectory) {
		Path store = theDirectory.resolve(FILE_NAME);
		Path passwordFile = theDirectory.resolve(PASSWORD_FILE_NAME);
		if (!Files.exists(store) || !Files.exists(passwordFile)) {
			return Optional.empty();
		}
		OwnerOnlyFile.refuseIfTrackedByGit(store);
		try {
			SelfSignedKeyStore found = new SelfSignedKeyStore(store, OwnerOnlyFile.read(passwordFile).strip());
			// data directories from before the certificate was written beside the store
			if (!Files.exists(theDirectory.resolve(CERTIFICATE_FILE_NAME))) {
				found.writeCertificate();
			}
			return Optional.of(found);
		} catch (IOException | GeneralSecurityException e) {
			throw new IllegalStateException("Cannot read " + passwordFile + " or the store it opens", e);
		}
	}

	private static SelfSignedKeyStore make(Path theDirectory) {
		return make(theDirectory, randomPassword());
	}

	/** A new store in {@code theDirectory} under {@code thePassword}. */
	static SelfSignedKeyStore make(Path theDirectory, String thePassword) {
		Path store = theDirectory.resolve(FILE_NAME);
		Path passwordFile = theDirectory.resolve(PASSWORD_FILE_NAME);
		try {
			Files.createDirectories(theDirectory);
			Path partial = Files.createTempFile(theDirectory, FILE_NAME, ".partial");
			Files.delete(partial);
			runKeytool(partial, thePassword);
			OwnerOnlyFile.write(passwordFile, thePassword);
			moveIntoPlace(partial, store);
			SelfSignedKeyStore made = new SelfSignedKeyStore(store, thePassword);
			made.writeCertificate();
			return made;
		} catch (IOException | GeneralSecurityException e) {
			throw new IllegalStateException("Cannot make a self-signed TLS certificate in " + theDirectory, e);
		}
	}

	private void writeCertificate() throws IOException, GeneralSecurityException {
		KeyStore keys = KeyStore.getInstance(TYPE);
		try (InputStream in = Files.newInputStream(location)) {
			keys.load(in, password.toCharArray());
		}
		String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getCertificate(ALIAS).getEncoded());
		Path certificate = location.resolveSibling(CERTIFICATE_FILE_NAME);
		Path partial = Files.createTempFile(location.getParent(), CERTIFICATE_FILE_NAME, ".partial");
		Files.writeString(partial, "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
		moveIntoPlace(partial, certificate);
	}

	private static final String PASSWORD_VARIABLE = "OPENIMD_KEYSTORE_PASSWORD";

	private static void runKeytool(Path theStore, String thePassword) throws IOException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = List.of(keytool.toString(), "-genkeypair", "-noprompt",
				"-alias", ALIAS,
				"-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
				"-validity", Integer.toString(VALIDITY_DAYS),
				"-dname", "CN=" + hostName() + ", O=OpenIMD self-signed",
				"-ext", "SAN=" + subjectAlternativeNames(),
				"-ext", "EKU=serverAuth,clientAuth",
				"-storetype", TYPE, "-keystore", theStore.toString(),
				"-storepass:env", PASSWORD_VARIABLE, "-keypass:env", PASSWORD_VARIABLE);
		// Through the environment, not the command line: no other user's `ps` shows it, and the keytool
		// launcher takes an argument that starts with -J (as a random password may) for an option of its own.
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put(PASSWORD_VARIABLE, thePassword);
		Process keytoolRun = builder.start();
		try {
			String output = new String(keytoolRun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!keytoolRun.waitFor(60, TimeUnit.SECONDS) || keytoolRun.exitValue() != 0 || !Files.exists(theStore)) {
				throw new IOException("keytool failed: " + output.strip());
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while keytool ran", e);
		}
	}

	/** localhost, the loopback addresses and this machine's name: the names a first user connects by. */
	private static String subjectAlternativeNames() {
		Set<String> names = new LinkedHashSet<>(List.of("dns:localhost", "ip:127.0.0.1", "ip:0:0:0:0:0:0:0:1"));
		String hostName = hostName();
		if (!hostName.equals("localhost") && hostName.matches("[A-Za-z0-9.-]+")) {
			names.add("dns:" + hostName);
		}
		return String.join(",", names);
	}

	private static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		} catch (UnknownHostException e) {
			return "localhost";
		}
	}

	private static String randomPassword() {
		return RandomSecret.urlSafe(24);
	}


	private static void moveIntoPlace(Path theFrom, Path theTo) throws IOException {
		try {
			Files.move(theFrom, theTo, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		} catch (AtomicMoveNotSupportedException e) {
			Files.move(theFrom, theTo, StandardCopyOption.REPLACE_EXISTING);
		}
	}
}
