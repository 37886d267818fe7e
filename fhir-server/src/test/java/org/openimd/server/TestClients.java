package org.openimd.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.openimd.server.security.ApiScopes;

/**
 * The system clients the tests call OpenIMD as, with SMART Backend Services: each signs a client
 * assertion with its own RSA key (RS384) and trades it for an access token.
 */
public final class TestClients {

	/** May do everything a system may do. */
	public static final String FULL_ACCESS = "openimd-it-full";
	public static final String FULL_ACCESS_SCOPES = String.join(" ", "system/*.cruds", ApiScopes.INGEST, ApiScopes.INGEST_ADMIN,
			ApiScopes.OPERATIONS, ApiScopes.LAUNCH, ApiScopes.ADMIN);

	/** May only read and search Devices: a manufacturer's system, say. */
	public static final String DEVICE_READER = "openimd-it-devices";
	public static final String DEVICE_READER_SCOPES = "system/Device.rs";

	/** Where the test apps' authorization codes go; never contacted, the tests read the redirect. */
	public static final String APP_REDIRECT_URI = "https://app.example/callback";

	/** A browser app without a secret, as patients use. */
	public static final String PUBLIC_APP = "openimd-it-public-app";

	/** A server-side app with a secret, as clinics use. */
	public static final String CONFIDENTIAL_APP = "openimd-it-confidential-app";
	public static final String CONFIDENTIAL_APP_SECRET = "it-secret-" + UUID.randomUUID();

	/** OpenIMD's own scopes among them, as an app may be registered with: a person's role still decides whether they count. */
	private static final String APP_SCOPES = "openid,fhirUser,launch,launch/patient,offline_access,online_access,patient/*.cruds,user/*.cruds,"
			+ String.join(",", ApiScopes.INGEST, ApiScopes.INGEST_ADMIN, ApiScopes.OPERATIONS, ApiScopes.ADMIN, ApiScopes.LAUNCH);

	private static final RSAKey KEY = newKey();
	private static final ObjectMapper JSON = new ObjectMapper();

	private TestClients() {}

	private static RSAKey newKey() {
		try {
			return new RSAKeyGenerator(2048).keyID("openimd-it").keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS384).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The Spring properties that register the system clients with their public key, and the apps. */
	public static Map<String, String> registrations() {
		String jwks = new JWKSet(KEY.toPublicJWK()).toString();
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("openimd.auth.clients[0].client-id", FULL_ACCESS);
		properties.put("openimd.auth.clients[0].jwks", jwks);
		properties.put("openimd.auth.clients[0].scopes", FULL_ACCESS_SCOPES.replace(' ', ','));
		properties.put("openimd.auth.clients[1].client-id", DEVICE_READER);
		properties.put("openimd.auth.clients[1].jwks", jwks);
		properties.put("openimd.auth.clients[1].scopes", DEVICE_READER_SCOPES);
		properties.put("openimd.auth.apps[0].client-id", PUBLIC_APP);
		properties.put("openimd.auth.apps[0].redirect-uris", APP_REDIRECT_URI);
		properties.put("openimd.auth.apps[0].scopes", APP_SCOPES);
		properties.put("openimd.auth.apps[1].client-id", CONFIDENTIAL_APP);
		properties.put("openimd.auth.apps[1].confidential", "true");
		properties.put("openimd.auth.apps[1].client-secret", CONFIDENTIAL_APP_SECRET);
		properties.put("openimd.auth.apps[1].redirect-uris", APP_REDIRECT_URI);
		properties.put("openimd.auth.apps[1].scopes", APP_SCOPES);
		return properties;
	}

	/** A signed client assertion for the token endpoint of the server at {@code theBaseUrl}. */
	public static String assertion(String theClientId, String theAudience, Duration theLifetime, String theJti) {
		return assertion(KEY, theClientId, theAudience, theLifetime, theJti);
	}

	/** The same, signed with {@code theKey}: RS384 for an RSA key, ES384 for an EC (P-384) one. */
	public static String assertion(JWK theKey, String theClientId, String theAudience, Duration theLifetime, String theJti) {
		Instant now = Instant.now();
		JWTClaimsSet claims = new JWTClaimsSet.Builder()
				.issuer(theClientId)
				.subject(theClientId)
				.audience(theAudience)
				.issueTime(Date.from(now))
				.expirationTime(Date.from(now.plus(theLifetime)))
				.jwtID(theJti)
				.build();
		boolean rsa = theKey instanceof RSAKey;
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(rsa ? JWSAlgorithm.RS384 : JWSAlgorithm.ES384).keyID(theKey.getKeyID())
				.type(JOSEObjectType.JWT).build(), claims);
		try {
			jwt.sign(rsa ? new RSASSASigner(theKey.toRSAKey()) : new ECDSASigner(theKey.toECKey()));
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
		return jwt.serialize();
	}

	/** Posts a client_credentials request with {@code theAssertion}; the raw response. */
	public static HttpResponse<String> requestToken(String theBaseUrl, String theAssertion, String theScope)
			throws IOException, InterruptedException {
		return requestToken(HttpClient.newHttpClient(), theBaseUrl, theAssertion, theScope);
	}

	private static HttpResponse<String> requestToken(HttpClient theHttp, String theBaseUrl, String theAssertion, String theScope)
			throws IOException, InterruptedException {
		Map<String, String> form = Map.of(
				"grant_type", "client_credentials",
				"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
				"client_assertion", theAssertion,
				"scope", theScope);
		String body = form.entrySet().stream()
				.map(field -> field.getKey() + "=" + URLEncoder.encode(field.getValue(), StandardCharsets.UTF_8))
				.collect(Collectors.joining("&"));
		return theHttp.send(HttpRequest.newBuilder(URI.create(theBaseUrl + "/oauth2/token"))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString(body))
						.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** An access token for {@code theClientId} with {@code theScope}, from the server at {@code theBaseUrl}. */
	public static String accessToken(String theBaseUrl, String theClientId, String theScope) throws IOException, InterruptedException {
		return accessToken(HttpClient.newHttpClient(), theBaseUrl, theClientId, theScope);
	}

	/** The same, through {@code theHttp} (one that trusts the server's certificate, for HTTPS). */
	public static String accessToken(HttpClient theHttp, String theBaseUrl, String theClientId, String theScope)
			throws IOException, InterruptedException {
		HttpResponse<String> response = requestToken(theHttp, theBaseUrl,
				assertion(theClientId, theBaseUrl + "/oauth2/token", Duration.ofMinutes(1), UUID.randomUUID().toString()), theScope);
		if (response.statusCode() != 200) {
			throw new IllegalStateException("token request failed: " + response.statusCode() + " " + response.body());
		}
		return JSON.readTree(response.body()).get("access_token").asText();
	}

	/**
	 * Registers, as the administrator holding {@code theAdminToken}, a Backend Services client that acts
	 * for {@code theOrganization} under the policy of {@code theRole} (a pharmacy's system: PHARMACIST),
	 * with an EC key of its own, and returns an access token of it for {@code theScopes}.
	 */
	public static String organisationSystemToken(String theBaseUrl, String theAdminToken, String theRole, String theOrganization,
			String theScopes) throws IOException, InterruptedException {
		return registeredSystemToken(theBaseUrl, theAdminToken, theRole, theOrganization, theScopes);
	}

	/** The same for a system that acts for nobody in particular (a research platform), registered with {@code theScopes}. */
	public static String systemToken(String theBaseUrl, String theAdminToken, String theScopes) throws IOException, InterruptedException {
		return registeredSystemToken(theBaseUrl, theAdminToken, null, null, theScopes);
	}

	private static String registeredSystemToken(String theBaseUrl, String theAdminToken, String theRole, String theOrganization,
			String theScopes) throws IOException, InterruptedException {
		ECKey key;
		try {
			key = new ECKeyGenerator(Curve.P_384).keyID("k-" + UUID.randomUUID()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
		String clientId = "it-" + (theRole == null ? "plain" : theRole.toLowerCase(Locale.ROOT)) + "-system-" + UUID.randomUUID();
		ObjectNode registration = JSON.createObjectNode().put("type", "backend").put("clientId", clientId);
		if (theRole != null) {
			registration.put("actsAs", theRole).put("organization", theOrganization);
		}
		registration.set("jwks", JSON.readTree(new JWKSet(key.toPublicJWK()).toString()));
		ArrayNode scopes = registration.putArray("scopes");
		Arrays.stream(theScopes.split(" ")).forEach(scopes::add);
		HttpResponse<String> registered = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(theBaseUrl + "/admin/clients"))
				.header("Content-Type", "application/json").header("Authorization", "Bearer " + theAdminToken)
				.POST(HttpRequest.BodyPublishers.ofString(registration.toString())).build(), HttpResponse.BodyHandlers.ofString());
		if (registered.statusCode() != 201) {
			throw new IllegalStateException("registration failed: " + registered.statusCode() + " " + registered.body());
		}
		HttpResponse<String> token = requestToken(theBaseUrl, assertion(key, clientId, theBaseUrl + "/oauth2/token", Duration.ofMinutes(1),
				UUID.randomUUID().toString()), theScopes);
		if (token.statusCode() != 200) {
			throw new IllegalStateException("token request failed: " + token.statusCode() + " " + token.body());
		}
		return JSON.readTree(token.body()).get("access_token").asText();
	}
}
