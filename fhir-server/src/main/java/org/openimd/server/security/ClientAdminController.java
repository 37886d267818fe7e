package org.openimd.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.openimd.server.RandomSecret;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.login.Role;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /admin/clients}: registers a SMART client while the server runs, as configuration does
 * at start-up. A confidential app's secret is made here and answered once (only its hash is kept); a
 * backend client registers the public part of its key, never a private one. A client id already
 * registered is refused rather than replaced, so nobody takes over an existing client by accident.
 * {@code GET} lists the registered clients without their secrets or keys.
 */
@RestController
class ClientAdminController {

	private static final int SECRET_BYTES = 32;

	private final SmartClientRegistry myRegistry;
	private final RegisteredClientRepository myClients;
	private final AuditTrail myAudit;

	private final JdbcTemplate myJdbc;

	ClientAdminController(SmartClientRegistry theRegistry, RegisteredClientRepository theClients, AuditTrail theAudit, JdbcTemplate theJdbc) {
		myRegistry = theRegistry;
		myClients = theClients;
		myAudit = theAudit;
		myJdbc = theJdbc;
	}

	/**
	 * @param type {@code public} or {@code confidential} (apps people use), or {@code backend}
	 * @param jwks a backend client's public keys (a JWK Set), or
	 * @param jwksUrl where it publishes them
	 * @param actsAs with {@code organization}: a backend that acts for an organisation under that role's policy
	 */
	record NewClient(String type, String clientId, String name, JsonNode jwks, URI jwksUrl, List<String> redirectUris, List<String> scopes,
			Role actsAs, String organization) {}

	/** The registered clients, without secrets or keys: what each is, may ask for and redirects to. */
	@GetMapping("/admin/clients")
	List<Map<String, Object>> list() {
		return myJdbc.queryForList("SELECT id FROM oauth2_registered_client ORDER BY client_id", String.class).stream()
				.map(myClients::findById)
				.filter(Objects::nonNull)
				.map(client -> {
					Map<String, Object> listed = new LinkedHashMap<>();
					listed.put("clientId", client.getClientId());
					listed.put("name", client.getClientName());
					listed.put("type", client.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)
							? (client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE) ? "public" : "confidential")
							: "backend");
					listed.put("scopes", client.getScopes());
					listed.put("redirectUris", client.getRedirectUris());
					return listed;
				})
				.toList();
	}

	@PostMapping("/admin/clients")
	ResponseEntity<Map<String, Object>> register(@RequestBody NewClient theClient, HttpServletRequest theRequest) {
		if (theClient.clientId() != null && myClients.findByClientId(theClient.clientId()) != null) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "the client id " + theClient.clientId() + " is registered already");
		}
		Map<String, Object> registered = new LinkedHashMap<>();
		try {
			switch (theClient.type() == null ? "" : theClient.type()) {
				case "backend" -> myRegistry.register(new AuthProperties.SystemClient(theClient.clientId(), theClient.name(),
						publicKeys(theClient.jwks()), theClient.jwksUrl(), theClient.scopes(), theClient.actsAs(), theClient.organization()));
				case "public" -> myRegistry.register(new AuthProperties.App(theClient.clientId(), theClient.name(), false, null,
						theClient.redirectUris(), theClient.scopes()));
				case "confidential" -> {
					String clientSecret = RandomSecret.urlSafe(SECRET_BYTES);
					myRegistry.register(new AuthProperties.App(theClient.clientId(), theClient.name(), true, clientSecret,
							theClient.redirectUris(), theClient.scopes()));
					registered.put("clientSecret", clientSecret);
				}
				default -> throw new IllegalArgumentException("type must be public, confidential or backend");
			}
		} catch (IllegalArgumentException e) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
		}
		registered.put("clientId", theClient.clientId());
		registered.put("type", theClient.type());
		registered.put("scopes", myClients.findByClientId(theClient.clientId()).getScopes());
		myAudit.record(AuditEvents.securityConfigured(theClient.clientId(), "registered the " + theClient.type() + " client " + theClient.clientId()
				+ " with scopes " + registered.get("scopes") + Optional.ofNullable(theClient.actsAs())
						.map(role -> ", acting as " + role + " for " + theClient.organization()).orElse(""), theRequest.getRemoteAddr()));
		return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store").body(registered);
	}

	private static String publicKeys(JsonNode theJwks) {
		if (theJwks == null || theJwks.isNull()) {
			return null;
		}
		try {
			JWKSet keys = JWKSet.parse(theJwks.toString());
			if (keys.getKeys().isEmpty() || keys.getKeys().stream().anyMatch(key -> key.isPrivate() || key.getKeyID() == null)) {
				throw new IllegalArgumentException("jwks must hold public keys only, each with a kid");
			}
			return keys.toString();
		} catch (ParseException e) {
			throw new IllegalArgumentException("jwks is not a JWK Set: " + e.getMessage());
		}
	}
}
