package org.openimd.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * {@code GET /fhir/.well-known/smart-configuration}: the SMART App Launch discovery document, naming
 * exactly what OpenIMD's authorization server does.
 */
class SmartConfigurationServlet extends HttpServlet {

	private static final ObjectMapper JSON = new ObjectMapper();

	static final List<String> CAPABILITIES = List.of("launch-ehr", "launch-standalone", "authorize-post", "client-public",
			"client-confidential-symmetric", "client-confidential-asymmetric", "sso-openid-connect", "context-banner",
			"context-ehr-patient", "context-standalone-patient", "permission-offline", "permission-online", "permission-patient",
			"permission-user", "permission-v1", "permission-v2");

	@Override
	protected void doGet(HttpServletRequest theRequest, HttpServletResponse theResponse) throws IOException {
		String issuer = ServletUriComponentsBuilder.fromContextPath(theRequest).build().toUriString();
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("issuer", issuer);
		configuration.put("jwks_uri", issuer + "/oauth2/jwks");
		configuration.put("authorization_endpoint", issuer + "/oauth2/authorize");
		configuration.put("token_endpoint", issuer + "/oauth2/token");
		configuration.put("introspection_endpoint", issuer + "/oauth2/introspect");
		configuration.put("revocation_endpoint", issuer + "/oauth2/revoke");
		configuration.put("userinfo_endpoint", issuer + "/userinfo");
		configuration.put("grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"));
		configuration.put("response_types_supported", List.of("code"));
		configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic", "client_secret_post", "none"));
		configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		configuration.put("code_challenge_methods_supported", List.of("S256"));
		configuration.put("scopes_supported", List.of("openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
				"patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds", ApiScopes.INGEST,
				ApiScopes.INGEST_ADMIN, ApiScopes.OPERATIONS, ApiScopes.LAUNCH, ApiScopes.ADMIN));
		configuration.put("capabilities", CAPABILITIES);
		theResponse.setContentType("application/json");
		theResponse.setHeader("Access-Control-Allow-Origin", "*");
		JSON.writeValue(theResponse.getOutputStream(), configuration);
	}
}
