package org.openimd.server.security;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;

/**
 * An external identity provider (Keycloak, Entra ID, Okta, an EHR's SMART server…) whose access
 * tokens the API trusts: signed with a key the provider publishes ({@code jwks_uri} of its OpenID
 * Connect or RFC 8414 metadata), by an asymmetric algorithm, issued by it, for this API ({@code aud}),
 * unexpired, and when a person's, with a known role and a second factor. Its metadata is read when
 * first needed and then kept, so that OpenIMD starts while the provider is still coming up.
 *
 * <p>Revocation is the provider's: keep its access tokens short-lived.
 */
class ExternalIdentityProvider implements SmartDiscovery {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final Duration TIMEOUT = Duration.ofSeconds(10);
	/** Discovery keys passed on to SMART discovery as the provider states them. */
	private static final List<String> PROVIDER_KEYS = List.of("issuer", "jwks_uri", AUTHORIZATION_ENDPOINT, TOKEN_ENDPOINT,
			INTROSPECTION_ENDPOINT, REVOCATION_ENDPOINT, "userinfo_endpoint", "registration_endpoint", "management_endpoint",
			"grant_types_supported", "response_types_supported", "token_endpoint_auth_methods_supported",
			"token_endpoint_auth_signing_alg_values_supported", "code_challenge_methods_supported");

	private final URI myIssuer;
	private final String myAudience;
	private final AuthProperties.ExternalTokens mySettings;
	private final HttpClient myHttp = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
	private final AtomicReference<Map<String, Object>> myMetadata = new AtomicReference<>();

	ExternalIdentityProvider(URI theIssuer, String theAudience, AuthProperties.ExternalTokens theSettings) {
		myIssuer = theIssuer;
		myAudience = theAudience;
		mySettings = theSettings;
	}

	/** A decoder that reads the provider's metadata and keys on the first token it sees. */
	JwtDecoder accessTokenDecoder() {
		return new SupplierJwtDecoder(() -> {
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(required("jwks_uri"))
					// Asymmetric only: neither "none" nor an HMAC whose key would be public.
					.jwsAlgorithms(algorithms -> algorithms.addAll(List.of(SignatureAlgorithm.RS256, SignatureAlgorithm.RS384,
							SignatureAlgorithm.RS512, SignatureAlgorithm.ES256, SignatureAlgorithm.ES384, SignatureAlgorithm.ES512,
							SignatureAlgorithm.PS256, SignatureAlgorithm.PS384, SignatureAlgorithm.PS512)))
					.build();
			decoder.setClaimSetConverter(new ExternalTokenClaims(mySettings.claims()));
			decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
					JwtValidators.createDefaultWithIssuer(myIssuer.toString()),
					token -> token.getAudience() != null && token.getAudience().contains(myAudience)
							? OAuth2TokenValidatorResult.success()
							: AccessTokenChecks.invalid("the token is not for this API (aud " + myAudience + ")"),
					token -> knownRoleOrNone(token.getClaimAsString(SmartClaims.ROLE)) && knownRoleOrNone(token.getClaimAsString(SmartClaims.ACTS_AS))
							? OAuth2TokenValidatorResult.success()
							: AccessTokenChecks.invalid("the token's role is not one of OpenIMD's"),
					token -> token.getClaimAsString(SmartClaims.ROLE) != null
									|| (token.getClaimAsString(SmartClaims.FHIR_USER) == null && token.getClaimAsString(SmartClaims.PATIENT) == null)
							? OAuth2TokenValidatorResult.success()
							// Without a role a person's token would pass for a system's, whose reach no role limits.
							: AccessTokenChecks.invalid("a person's token needs a role"),
					AccessTokenChecks.personSignedInWithTwoFactors(mySettings.secondFactors())));
			return decoder;
		});
	}

	private static boolean knownRoleOrNone(String theRole) {
		return theRole == null || ExternalTokenClaims.knownRole(theRole);
	}

	@Override
	public Map<String, Object> configuration(String theServerBase) {
		Map<String, Object> metadata = metadata();
		Map<String, Object> configuration = new LinkedHashMap<>();
		for (String key : PROVIDER_KEYS) {
			Optional.ofNullable(metadata.get(key)).ifPresent(value -> configuration.put(key, value));
		}
		configuration.put("scopes_supported", SCOPES_SUPPORTED);
		configuration.put("capabilities", mySettings.capabilities());
		return configuration;
	}

	private String required(String theKey) {
		Object value = metadata().get(theKey);
		if (value == null) {
			throw new IllegalStateException("the metadata of " + myIssuer + " has no " + theKey);
		}
		return value.toString();
	}

	/**
	 * The provider's metadata: OpenID Connect discovery, else RFC 8414's, whose {@code issuer} must be
	 * the configured one exactly (either specification's rule against a metadata document that speaks
	 * for another issuer).
	 */
	private Map<String, Object> metadata() {
		Map<String, Object> known = myMetadata.get();
		if (known != null) {
			return known;
		}
		String issuer = myIssuer.toString();
		String withoutSlash = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
		String path = myIssuer.getRawPath() == null ? "" : myIssuer.getRawPath().replaceAll("/$", "");
		List<URI> locations = List.of(URI.create(withoutSlash + "/.well-known/openid-configuration"),
				myIssuer.resolve("/.well-known/oauth-authorization-server" + path));
		IllegalStateException failure = new IllegalStateException("no metadata of the identity provider " + issuer);
		for (URI location : locations) {
			try {
				HttpResponse<String> response = myHttp.send(HttpRequest.newBuilder(location).timeout(TIMEOUT).GET().build(),
						HttpResponse.BodyHandlers.ofString());
				if (response.statusCode() != 200) {
					failure.addSuppressed(new IOException(location + " answered " + response.statusCode()));
					continue;
				}
				Map<String, Object> metadata = JSON.readValue(response.body(), new TypeReference<Map<String, Object>>() {});
				if (!issuer.equals(metadata.get("issuer"))) {
					throw new IllegalStateException(location + " speaks for the issuer " + metadata.get("issuer") + ", not " + issuer);
				}
				myMetadata.set(Collections.unmodifiableMap(metadata));
				return metadata;
			} catch (IOException e) {
				failure.addSuppressed(e);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted while reading the metadata of " + issuer, e);
			}
		}
		throw failure;
	}
}
