package org.openimd.server.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The self-signed store keytool makes, whatever its random password looks like. */
class SelfSignedKeyStoreTest {

	@TempDir
	Path myDirectory;

	@Test
	void aPasswordThatLooksLikeAnOptionOfKeytoolsLauncherStillMakesAStore() throws Exception {
		// -J… is an option of the keytool launcher itself: on the command line this password once failed a start.
		SelfSignedKeyStore store = SelfSignedKeyStore.make(myDirectory, "-J2cS48KIz0NVNGPDZUHPRQXi0RrB2Ky");

		KeyStore keys = KeyStore.getInstance(SelfSignedKeyStore.TYPE);
		try (InputStream in = Files.newInputStream(store.location())) {
			keys.load(in, "-J2cS48KIz0NVNGPDZUHPRQXi0RrB2Ky".toCharArray());
		}
		assertThat(keys.getCertificate(SelfSignedKeyStore.ALIAS)).isNotNull();
		assertThat(myDirectory.resolve(SelfSignedKeyStore.CERTIFICATE_FILE_NAME)).exists();
		assertThat(SelfSignedKeyStore.find(myDirectory)).get().extracting(SelfSignedKeyStore::password).isEqualTo("-J2cS48KIz0NVNGPDZUHPRQXi0RrB2Ky");
	}
}
