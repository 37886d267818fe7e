package org.openimd.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.openimd.server.tls.SelfSignedKeyStore;

/**
 * One self-signed key pair for this test run, made the way the server makes its own. The test server's
 * MLLP listener uses it as its certificate and trusts it as a sender's, so test senders authenticate
 * with it over mutual TLS.
 */
public final class TestTls {

	public static final String MLLP_BUNDLE = "mllp-it";
	private static final SelfSignedKeyStore STORE = newStore();

	private TestTls() {}

	private static SelfSignedKeyStore newStore() {
		try {
			return SelfSignedKeyStore.in(Files.createTempDirectory("openimd-it-tls"));
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	/** Spring properties for a listener that presents this key and trusts only senders that hold it. */
	public static Map<String, String> mllpBundle() {
		String prefix = "spring.ssl.bundle.jks." + MLLP_BUNDLE + ".";
		String location = STORE.location().toUri().toString();
		return Map.of(
				prefix + "keystore.location", location,
				prefix + "keystore.password", STORE.password(),
				prefix + "keystore.type", SelfSignedKeyStore.TYPE,
				prefix + "truststore.location", location,
				prefix + "truststore.password", STORE.password(),
				prefix + "truststore.type", SelfSignedKeyStore.TYPE,
				"openimd.mllp.ssl-bundle", MLLP_BUNDLE);
	}

	/** A client context that trusts this key, and presents it when {@code theWithCertificate}. */
	public static SSLContext clientContext(boolean theWithCertificate) {
		return context(STORE.location(), STORE.password(), theWithCertificate);
	}

	/** A context that trusts only the certificate in the PKCS12 store at {@code theStore}. */
	public static SSLContext trusting(Path theStore, String thePassword) {
		return context(theStore, thePassword, false);
	}

	private static SSLContext context(Path theStore, String thePassword, boolean theWithCertificate) {
		try (InputStream in = Files.newInputStream(theStore)) {
			KeyStore store = KeyStore.getInstance(SelfSignedKeyStore.TYPE);
			store.load(in, thePassword.toCharArray());
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(store);
			KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
			keys.init(store, thePassword.toCharArray());
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(theWithCertificate ? keys.getKeyManagers() : null, trust.getTrustManagers(), null);
			return context;
		} catch (IOException | GeneralSecurityException e) {
			throw new IllegalStateException("Cannot load " + theStore, e);
		}
	}
}
