package org.openimd.server.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded authorization server, under {@code openimd.auth}.
 *
 * @param clients the systems (EHRs, pharmacy systems, manufacturers, device gateways) that call OpenIMD
 *     with SMART Backend Services; registered, or updated, at every start
 * @param systemTokenLifetime how long a system's access token lives; SMART asks for at most 5 minutes
 */
@ConfigurationProperties("openimd.auth")
public record AuthProperties(List<SystemClient> clients, @DefaultValue("5m") Duration systemTokenLifetime) {

	public AuthProperties {
		clients = clients == null ? List.of() : List.copyOf(clients);
		if (systemTokenLifetime.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalArgumentException("openimd.auth.system-token-lifetime may be at most 5 minutes (SMART Backend Services)");
		}
	}

	/**
	 * A system client that authenticates with a JWT signed by its own key ({@code private_key_jwt},
	 * RS384 or ES384).
	 *
	 * @param clientId its {@code client_id}, also the {@code iss} and {@code sub} of its assertions
	 * @param name shown in logs and audit
	 * @param jwks its public keys as an inline JWK Set (JSON), or
	 * @param jwksUrl where its JWK Set is published
	 * @param scopes the most it may ask for, e.g. {@code system/Device.rs}
	 */
	public record SystemClient(String clientId, String name, String jwks, URI jwksUrl, List<String> scopes) {

		public SystemClient {
			if (clientId == null || clientId.isBlank()) {
				throw new IllegalArgumentException("openimd.auth.clients[].client-id is required");
			}
			if ((jwks == null || jwks.isBlank()) == (jwksUrl == null)) {
				throw new IllegalArgumentException("client " + clientId + " needs exactly one of jwks and jwks-url");
			}
			scopes = scopes == null ? List.of() : List.copyOf(scopes);
			name = name == null ? clientId : name;
		}
	}
}
