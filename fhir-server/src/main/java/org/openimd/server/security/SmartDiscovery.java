package org.openimd.server.security;

import java.util.List;
import java.util.Map;

/**
 * What SMART discovery ({@code /fhir/.well-known/smart-configuration}) and the CapabilityStatement's
 * {@code rest.security} say about the authorization server that issues this API's tokens.
 */
interface SmartDiscovery {

	String AUTHORIZATION_ENDPOINT = "authorization_endpoint";
	String TOKEN_ENDPOINT = "token_endpoint";
	String INTROSPECTION_ENDPOINT = "introspection_endpoint";
	String REVOCATION_ENDPOINT = "revocation_endpoint";

	/** The scopes this API understands, whoever grants them. */
	List<String> SCOPES_SUPPORTED = List.of("openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
			"patient/*.rs", "patient/*.cruds", "user/*.rs", "user/*.cruds", "system/*.rs", "system/*.cruds", ApiScopes.INGEST,
			ApiScopes.INGEST_ADMIN, ApiScopes.OPERATIONS, ApiScopes.LAUNCH, ApiScopes.ADMIN, ApiScopes.RESEARCH);

	/**
	 * The SMART configuration document, for a request that reached OpenIMD at {@code theServerBase}
	 * (scheme, host and context path, as the client addressed it).
	 *
	 * @throws IllegalStateException when the authorization server's own metadata cannot be had now
	 */
	Map<String, Object> configuration(String theServerBase);
}
