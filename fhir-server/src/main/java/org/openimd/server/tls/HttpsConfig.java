package org.openimd.server.tls;

import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.AbstractServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

/**
 * HTTPS by default. {@code server.ssl.*} is Spring Boot's own configuration; when it enables TLS but
 * names no certificate (no {@code server.ssl.bundle}, key store or PEM certificate), the server uses a
 * self-signed one kept under {@code openimd.data-dir/tls}, so that not even a first trial sends
 * health data in clear text.
 */
@Configuration(proxyBeanMethods = false)
class HttpsConfig {

	private static final Logger ourLog = LoggerFactory.getLogger(HttpsConfig.class);

	/**
	 * Unordered, so it runs after Spring Boot's customizer, which has already copied {@code server.ssl.*}
	 * onto the factory.
	 */
	@Bean
	WebServerFactoryCustomizer<AbstractServletWebServerFactory> selfSignedCertificateWhenNoneIsConfigured(
			@Value("${openimd.data-dir}") Path theDataDirectory) {
		return factory -> {
			Ssl ssl = factory.getSsl();
			if (!Ssl.isEnabled(ssl) || hasCertificate(ssl)) {
				return;
			}
			SelfSignedKeyStore store = SelfSignedKeyStore.in(theDataDirectory.resolve("tls"));
			ssl.setKeyStore(store.location().toUri().toString());
			ssl.setKeyStoreType(SelfSignedKeyStore.TYPE);
			ssl.setKeyStorePassword(store.password());
			ssl.setKeyAlias(SelfSignedKeyStore.ALIAS);
			ourLog.warn("No TLS certificate is configured: HTTPS uses the self-signed certificate in {}, which clients "
					+ "will not trust. Configure server.ssl.bundle (or server.ssl.key-store) for real use.", store.location());
		};
	}

	private static boolean hasCertificate(Ssl theSsl) {
		return StringUtils.hasText(theSsl.getBundle())
				|| StringUtils.hasText(theSsl.getKeyStore())
				|| StringUtils.hasText(theSsl.getCertificate());
	}
}
