package org.openimd.server.app;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The web app, under {@code openimd.app}.
 *
 * @param origins where people reach this server, e.g. {@code https://imd.example-clinic.org}: the app is
 *     registered with a redirect URI under each; empty, the loopback address and this server's port
 */
@ConfigurationProperties("openimd.app")
record WebAppProperties(List<String> origins) {

	WebAppProperties {
		origins = origins == null ? List.of() : List.copyOf(origins);
	}
}
