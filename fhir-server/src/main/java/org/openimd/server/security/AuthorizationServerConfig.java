package org.openimd.server.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.util.List;
import org.openimd.server.ClusterJob;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.openimd.server.fhir.FhirServerProperties;
import org.openimd.server.security.login.AppAuthorizationPaths;
import org.openimd.server.security.login.PatientPickerRedirect;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.audit.RefusedRequestAudit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.DelegatingOAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.token.JwtGenerator;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * Spring Authorization Server inside OpenIMD, with its own filter chain. Clients, authorizations,
 * consents and the signing key live in OpenIMD's database, so a restart keeps them. What SMART needs
 * beyond SAS is added at SAS's hooks: {@link ClientAssertionDecoders} for Backend Services client
 * assertions, {@link SmartAuthorizationRequestValidator} for {@code aud}, scopes and launches,
 * {@link SmartTokenClaims} and {@link SmartTokenResponse} for the launch context and identity,
 * {@link SmartRefreshTokens} for offline and online access.
 */
@Configuration(proxyBeanMethods = false)
@AuthorizationServerMode.Embedded
class AuthorizationServerConfig {

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	@Bean
	LaunchContexts launchContexts(JdbcTemplate theJdbc, AuthProperties theProperties, Clock theClock) {
		return new LaunchContexts(theJdbc, theProperties, theClock);
	}

	@Bean
	OAuth2AuthorizationService authorizationService(JdbcTemplate theJdbc, RegisteredClientRepository theClients,
			LaunchContexts theLaunches) {
		return new LaunchAwareAuthorizationService(new JdbcOAuth2AuthorizationService(theJdbc, theClients),
				theLaunches);
	}

	@Bean
	ExpiredAuthorizations expiredAuthorizations(JdbcTemplate theJdbc, Clock theClock) {
		return new ExpiredAuthorizations(theJdbc, theClock);
	}

	@Bean
	ClusterJob expiredAuthorizationsPruning(ExpiredAuthorizations theExpired) {
		return new ClusterJob("expired-authorizations", ExpiredAuthorizations.PRUNED_EVERY, theExpired::prune);
	}

	@Bean
	OAuth2AuthorizationConsentService authorizationConsentService(JdbcTemplate theJdbc, RegisteredClientRepository theClients) {
		return new JdbcOAuth2AuthorizationConsentService(theJdbc, theClients);
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(JdbcTemplate theJdbc, Clock theClock) {
		JWKSet keys = SigningKeys.load(theJdbc, theClock);
		return new ImmutableJWKSet<>(keys);
	}

	/**
	 * Access tokens signed by OpenIMD's key, unexpired, still on record as active (a revoked token
	 * stops working at once, though its signature and expiry would still pass), and, when a person's,
	 * earned with both factors. The key is converted from its JWK form once, not for every request.
	 */
	@Bean
	JwtDecoder accessTokenDecoder(JWKSource<SecurityContext> theKeys, OAuth2AuthorizationService theAuthorizations) {
		NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(SigningKeys.verificationKey(theKeys)).build();
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefault(), token -> {
			OAuth2Authorization authorization = theAuthorizations.findByToken(token.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
			return authorization != null && authorization.getAccessToken() != null && authorization.getAccessToken().isActive()
					? OAuth2TokenValidatorResult.success()
					: AccessTokenChecks.invalid("the token was revoked");
		}, AccessTokenChecks.personSignedInWithTwoFactors(List.of(SmartClaims.AMR_ONE_TIME_PASSWORD))));
		return decoder;
	}

	@Bean
	SmartDiscovery smartDiscovery() {
		return new EmbeddedSmartDiscovery();
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build();
	}

	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> theKeys, FhirServerProperties theFhir, UserAccounts theAccounts,
			AuthProperties theProperties, AuditTrail theTrail, Clock theClock) {
		JwtGenerator tokens = new JwtGenerator(new NimbusJwtEncoder(theKeys));
		tokens.setJwtCustomizer(new SmartTokenClaims(theFhir, theAccounts));
		return new AuditedTokenGenerator(new DelegatingOAuth2TokenGenerator(tokens, new SmartRefreshTokens(theProperties, theClock)), theTrail);
	}

	@Bean
	@Order(2)
	SecurityFilterChain authorizationServerFilterChain(HttpSecurity theHttp, ClientAssertionDecoders theAssertionDecoders,
			FhirServerProperties theFhir, LaunchContexts theLaunches, OAuth2AuthorizationService theAuthorizations,
			UserAccounts theAccounts, BrowserAppOrigins theBrowserApps, AuditTrail theTrail) throws Exception {
		OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
		OAuth2AccessTokenResponseAuthenticationSuccessHandler tokenResponses = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
		tokenResponses.setAccessTokenResponseCustomizer(new SmartTokenResponse(theAuthorizations, theAccounts));
		theHttp.securityMatcher(server.getEndpointsMatcher())
				.with(server, configurer -> configurer
						.clientAuthentication(clients -> clients
								.authenticationConverters(converters -> converters.add(0, new ClientAssertionWithoutClientIdConverter()))
								.authenticationProviders(providers -> providers.forEach(provider -> {
									if (provider instanceof JwtClientAssertionAuthenticationProvider assertions) {
										assertions.setJwtDecoderFactory(theAssertionDecoders);
									}
								})))
						.authorizationEndpoint(authorize -> authorize
								.consentPage(AppAuthorizationPaths.CONSENT)
								.authenticationProviders(providers -> providers.forEach(provider -> {
									if (provider instanceof OAuth2AuthorizationCodeRequestAuthenticationProvider requests) {
										requests.setAuthenticationValidator(new SmartAuthorizationRequestValidator(theFhir, theLaunches));
									}
								})))
						.tokenEndpoint(tokens -> tokens
								.accessTokenResponseHandler(tokenResponses)
								.authenticationProviders(providers -> providers.forEach(provider -> {
									if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider clientCredentials) {
										clientCredentials.setAuthenticationValidator(new SmartScopeValidator());
									}
								})))
						.tokenIntrospectionEndpoint(introspection -> introspection
								.authenticationProviders(providers -> providers.replaceAll(provider -> provider instanceof OAuth2TokenIntrospectionAuthenticationProvider
										? new OwnTokensIntrospection(provider, theAuthorizations)
										: provider)))
						.oidc(Customizer.withDefaults()))
				.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
				// Browser apps on other origins exchange their code and revoke their tokens here.
				.cors(cors -> cors.configurationSource(theBrowserApps))
				// The userinfo endpoint takes an access token.
				.oauth2ResourceServer(resourceServer -> resourceServer.jwt(Customizer.withDefaults()))
				// People who are not signed in yet are sent to sign in, then back to the app's request.
				.exceptionHandling(exceptions -> exceptions.defaultAuthenticationEntryPointFor(
						new LoginUrlAuthenticationEntryPoint(AppAuthorizationPaths.LOGIN), PATHS.matcher("/oauth2/authorize")))
				.addFilterAfter(new PatientPickerRedirect(), SecurityContextHolderFilter.class)
				// Failed client authentication (401) at the token, introspection and revocation endpoints.
				.addFilterAfter(new RefusedRequestAudit(theTrail), SecurityContextHolderFilter.class);
		return theHttp.build();
	}
}
