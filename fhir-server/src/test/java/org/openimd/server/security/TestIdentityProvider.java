package org.openimd.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An OpenID Connect provider as OpenIMD meets one in external mode: discovery at
 * {@code {issuer}/.well-known/openid-configuration} and its signing keys at {@code jwks_uri}, over
 * real HTTP, and access tokens signed with its RSA key. Its issuer has a path, as Keycloak's realms
 * do. It signs whatever claims a test asks for, so that tests can also make the tokens a
 * misconfigured or hostile provider would.
 */
final class TestIdentityProvider implements AutoCloseable {

	private static final ObjectMapper JSON = new ObjectMapper();

	private final HttpServer myServer;
	private final RSAKey myKey = newKey();
	private final String myIssuer;

	TestIdentityProvider() {
		try {
			myServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		myIssuer = "http://localhost:" + myServer.getAddress().getPort() + "/realms/clinic";
		myServer.createContext("/realms/clinic/.well-known/openid-configuration", exchange -> json(exchange, Map.of(
				"issuer", myIssuer,
				"jwks_uri", myIssuer + "/protocol/openid-connect/certs",
				"authorization_endpoint", myIssuer + "/protocol/openid-connect/auth",
				"token_endpoint", myIssuer + "/protocol/openid-connect/token",
				"revocation_endpoint", myIssuer + "/protocol/openid-connect/revoke",
				"code_challenge_methods_supported", List.of("plain", "S256"),
				"grant_types_supported", List.of("authorization_code", "client_credentials", "refresh_token"))));
		myServer.createContext("/realms/clinic/protocol/openid-connect/certs",
				exchange -> json(exchange, new JWKSet(myKey.toPublicJWK()).toJSONObject()));
		myServer.start();
	}

	static RSAKey newKey() {
		try {
			return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	String issuer() {
		return myIssuer;
	}

	RSAKey key() {
		return myKey;
	}

	/** The claims every access token of this provider has: issuer, audience, subject, five minutes to live. */
	Map<String, Object> standardClaims(String theAudience) {
		Instant now = Instant.now();
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("iss", myIssuer);
		claims.put("aud", theAudience);
		claims.put("sub", UUID.randomUUID().toString());
		claims.put("iat", Date.from(now));
		claims.put("exp", Date.from(now.plus(Duration.ofMinutes(5))));
		claims.put("jti", UUID.randomUUID().toString());
		return claims;
	}

	/** {@code theClaims} signed RS256 with this provider's key. */
	String sign(Map<String, Object> theClaims) {
		return sign(theClaims, myKey);
	}

	/** {@code theClaims} signed RS256 with {@code theKey}, under its key id. */
	static String sign(Map<String, Object> theClaims, RSAKey theKey) {
		try {
			JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder();
			theClaims.forEach(claims::claim);
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(theKey.getKeyID()).build(), claims.build());
			JWSSigner signer = new RSASSASigner(theKey);
			jwt.sign(signer);
			return jwt.serialize();
		} catch (JOSEException e) {
			throw new IllegalStateException(e);
		}
	}

	private static void json(HttpExchange theExchange, Map<String, ?> theBody) throws IOException {
		byte[] body = JSON.writeValueAsString(theBody).getBytes(StandardCharsets.UTF_8);
		theExchange.getResponseHeaders().add("Content-Type", "application/json");
		theExchange.sendResponseHeaders(200, body.length);
		theExchange.getResponseBody().write(body);
		theExchange.close();
	}

	@Override
	public void close() {
		myServer.stop(0);
	}
}
