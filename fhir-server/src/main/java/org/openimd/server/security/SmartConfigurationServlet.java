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
 * {@code GET /fhir/.well-known/smart-configuration}: the SMART App Launch discovery document. It lists
 * only what OpenIMD's authorization server does today (SMART Backend Services); the launch flows,
 * OpenID Connect and their capabilities are added with them.
 */
class SmartConfigurationServlet extends HttpServlet {

	private static final ObjectMapper JSON = new ObjectMapper();

	@Override
	protected void doGet(HttpServletRequest theRequest, HttpServletResponse theResponse) throws IOException {
		String issuer = ServletUriComponentsBuilder.fromContextPath(theRequest).build().toUriString();
		Map<String, Object> configuration = new LinkedHashMap<>();
		configuration.put("token_endpoint", issuer + "/oauth2/token");
		configuration.put("introspection_endpoint", issuer + "/oauth2/introspect");
		configuration.put("revocation_endpoint", issuer + "/oauth2/revoke");
		configuration.put("grant_types_supported", List.of("client_credentials"));
		configuration.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt"));
		configuration.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
		configuration.put("code_challenge_methods_supported", List.of("S256"));
		configuration.put("scopes_supported", List.of("system/*.rs", "system/*.cruds", ApiScopes.INGEST, ApiScopes.INGEST_ADMIN,
				ApiScopes.OPERATIONS));
		configuration.put("capabilities", List.of("client-confidential-asymmetric", "permission-v1", "permission-v2"));
		theResponse.setContentType("application/json");
		theResponse.setHeader("Access-Control-Allow-Origin", "*");
		JSON.writeValue(theResponse.getOutputStream(), configuration);
	}
}
