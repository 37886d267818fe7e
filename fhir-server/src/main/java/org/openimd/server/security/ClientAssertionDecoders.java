package org.openimd.server.security;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Verifies the JWTs that system clients sign with their registered keys, beyond what Spring
 * Authorization Server checks itself: keys registered inline or by URL, RS384 or ES384 only, an expiry
 * at most five minutes ahead, a {@code jku} only if it is the registered JWKS URL, and a {@code jti}
 * never used before. Whom the JWT is addressed to depends on its use: a client assertion (SMART
 * Backend Services, {@code private_key_jwt}) has {@code iss} = {@code sub} = {@code client_id} and
 * {@code aud} = the token endpoint; a CDS Hooks request names its service ({@link #decoder}).
 */
class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {

	/** Where a client's inline JWK Set is kept among its ClientSettings. */
	static final String INLINE_JWKS_SETTING = "settings.client.openimd.jwks";

	static final Duration MAX_ASSERTION_LIFETIME = Duration.ofMinutes(5);
	private static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
	private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);

	private final ClientAssertionReplayCache myReplays;
	private final Clock myClock;
	/** Remote JWK Sets, each with its own cache, which honours the publisher's refresh limits. */
	private final Map<String, JWKSource<SecurityContext>> myRemoteKeys = new ConcurrentHashMap<>();

	ClientAssertionDecoders(ClientAssertionReplayCache theReplays, Clock theClock) {
		myReplays = theReplays;
		myClock = theClock;
	}

	/** For client assertions at the token endpoint. */
	@Override
	public JwtDecoder createDecoder(RegisteredClient theClient) {
		return decoder(theClient, ClientAssertionDecoders::addressedToTokenEndpoint);
	}

	/**
	 * A decoder of JWTs signed by {@code theClient}, with every check above and {@code theAddressing}
	 * for {@code iss}, {@code sub} and {@code aud}; it answers null when they pass, else the reason.
	 */
	JwtDecoder decoder(RegisteredClient theClient, BiFunction<RegisteredClient, Jwt, String> theAddressing) {
		DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
		processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keysOf(theClient)));
		NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
				new JwtTimestampValidator(CLOCK_SKEW), jwt -> validate(theClient, jwt, theAddressing)));
		return decoder;
	}

	private JWKSource<SecurityContext> keysOf(RegisteredClient theClient) {
		String inline = theClient.getClientSettings().getSetting(INLINE_JWKS_SETTING);
		try {
			if (inline != null) {
				return new ImmutableJWKSet<>(JWKSet.parse(inline));
			}
			String url = Objects.requireNonNull(theClient.getClientSettings().getJwkSetUrl(), "no JWKS registered");
			return myRemoteKeys.computeIfAbsent(url, this::remoteKeys);
		} catch (ParseException e) {
			throw new IllegalStateException("The registered JWKS of client " + theClient.getClientId() + " is not a JWK Set", e);
		}
	}

	private JWKSource<SecurityContext> remoteKeys(String theUrl) {
		try {
			return JWKSourceBuilder.create(URI.create(theUrl).toURL()).build();
		} catch (MalformedURLException e) {
			throw new IllegalStateException("JWKS URL " + theUrl + " is not a URL", e);
		}
	}

	private static String addressedToTokenEndpoint(RegisteredClient theClient, Jwt theAssertion) {
		String clientId = theClient.getClientId();
		if (!clientId.equals(theAssertion.getClaimAsString("iss")) || !clientId.equals(theAssertion.getSubject())) {
			return "iss and sub must both be the client_id";
		}
		AuthorizationServerContext server = AuthorizationServerContextHolder.getContext();
		String tokenEndpoint = server.getIssuer() + server.getAuthorizationServerSettings().getTokenEndpoint();
		if (theAssertion.getAudience() == null || !theAssertion.getAudience().contains(tokenEndpoint)) {
			return "aud must be the token endpoint " + tokenEndpoint;
		}
		return null;
	}

	private OAuth2TokenValidatorResult validate(RegisteredClient theClient, Jwt theAssertion,
			BiFunction<RegisteredClient, Jwt, String> theAddressing) {
		String clientId = theClient.getClientId();
		String misaddressed = theAddressing.apply(theClient, theAssertion);
		if (misaddressed != null) {
			return invalid(misaddressed);
		}
		Instant expiresAt = theAssertion.getExpiresAt();
		if (expiresAt == null || expiresAt.isAfter(myClock.instant().plus(MAX_ASSERTION_LIFETIME).plus(CLOCK_SKEW))) {
			return invalid("exp must be at most 5 minutes ahead");
		}
		Object jku = theAssertion.getHeaders().get("jku");
		if (jku != null && !jku.toString().equals(theClient.getClientSettings().getJwkSetUrl())) {
			return invalid("jku is not the client's registered JWKS URL");
		}
		String jti = theAssertion.getId();
		if (jti == null || jti.isBlank()) {
			return invalid("jti is required");
		}
		// Last, so that an assertion refused for another reason does not use up its jti.
		if (!myReplays.firstUse(clientId, jti, expiresAt)) {
			return invalid("this jti was used before");
		}
		return OAuth2TokenValidatorResult.success();
	}

	private static OAuth2TokenValidatorResult invalid(String theReason) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "client assertion: " + theReason, null));
	}
}
