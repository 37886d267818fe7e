package org.openimd.server.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Discovery of OpenIMD's own authorization server, naming exactly what it does. */
class EmbeddedSmartDiscovery implements SmartDiscovery {

	static final List<String> CAPABILITIES = List.of("launch-ehr", "launch-standalone", "authorize-post", "client-public",
			"client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect", "context-banner",
			"context-ehr-patient", "context-standalone-patient", "permission-offline", "permission-online", "permission-patient",
			"permission-user", "permission-v1", "permission-v2");

	@Override
	public Map<String, Object> configuration(String theServerBase) {
		// OpenIMD is its own issuer, at the address the client used.
		String issuer = theServerBase;
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("issuer", issuer);
		configuration.put("jwks_uri", issuer + "/oauth2/jwks");
		configuration.put(AUTHORIZATION_ENDPOINT, issuer + "/oauth2/authorize");
		configuration.put(TOKEN_ENDPOINT, issuer + "/oauth2/token");
		configuration.put(INTROSPECTION_ENDPOINT, issuer + "/oauth2/introspect");
		configuration.put(REVOCATION_ENDPOINT, issuer + "/oauth2/revoke");
		configuration.put("userinfo_endpoint", issuer + "/userinfo");
		configuration.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
		configuration.put("response_types_supported", List.of("code"));
		configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic", "client_secret_post", "none"));
		configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		configuration.put("code_challenge_methods_supported", List.of("S256"));
		configuration.put("scopes_supported", SCOPES_SUPPORTED);
		configuration.put("capabilities", CAPABILITIES);
		return configuration;
	}
}
