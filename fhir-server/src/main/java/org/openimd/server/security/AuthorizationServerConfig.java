package org.openimd.server.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import javax.sql.DataSource;
import org.openimd.server.fhir.FhirServerProperties;
import org.openimd.server.security.login.AppAuthorizationPaths;
import org.openimd.server.security.login.PatientPickerRedirect;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.audit.RefusedRequestAudit;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationConsentService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
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
class AuthorizationServerConfig {

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	@Bean
	SecuritySchema securitySchema(DataSource theDataSource, DataSourceProperties theDataSourceProperties) {
		return new SecuritySchema(theDataSource, theDataSourceProperties.determineUrl());
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(DataSource theDataSource, SecuritySchema theSchema, AuthProperties theProperties,
			PasswordEncoder thePasswords) {
		JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(new JdbcTemplate(theDataSource));
		theProperties.clients().forEach(client -> clients.save(SmartClientRegistry.systemClient(client, theProperties)));
		theProperties.apps().forEach(app -> clients.save(SmartClientRegistry.app(app, theProperties, thePasswords)));
		return clients;
	}

	@Bean
	SmartClientRegistry smartClientRegistry(RegisteredClientRepository theClients, AuthProperties theProperties, PasswordEncoder thePasswords) {
		return new SmartClientRegistry(theClients, theProperties, thePasswords);
	}

	@Bean
	LaunchContexts launchContexts(DataSource theDataSource, SecuritySchema theSchema, AuthProperties theProperties) {
		return new LaunchContexts(new JdbcTemplate(theDataSource), theProperties, Clock.systemUTC());
	}

	@Bean
	OAuth2AuthorizationService authorizationService(DataSource theDataSource, RegisteredClientRepository theClients,
			LaunchContexts theLaunches) {
		return new LaunchAwareAuthorizationService(new JdbcOAuth2AuthorizationService(new JdbcTemplate(theDataSource), theClients),
				theLaunches);
	}

	@Bean
	OAuth2AuthorizationConsentService authorizationConsentService(DataSource theDataSource, RegisteredClientRepository theClients) {
		return new JdbcOAuth2AuthorizationConsentService(new JdbcTemplate(theDataSource), theClients);
	}

	@Bean
	JWKSource<SecurityContext> jwkSource(DataSource theDataSource, SecuritySchema theSchema) {
		JWKSet keys = SigningKeys.load(new JdbcTemplate(theDataSource));
		return new ImmutableJWKSet<>(keys);
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build();
	}

	@Bean
	ClientAssertionDecoders clientAssertionDecoders(DataSource theDataSource, SecuritySchema theSchema) {
		return new ClientAssertionDecoders(new ClientAssertionReplayCache(new JdbcTemplate(theDataSource), Clock.systemUTC()),
				Clock.systemUTC());
	}

	@Bean
	OAuth2TokenGenerator<?> tokenGenerator(JWKSource<SecurityContext> theKeys, FhirServerProperties theFhir, UserAccounts theAccounts,
			AuthProperties theProperties, AuditTrail theTrail) {
		JwtGenerator tokens = new JwtGenerator(new NimbusJwtEncoder(theKeys));
		tokens.setJwtCustomizer(new SmartTokenClaims(theFhir, theAccounts));
		return new AuditedTokenGenerator(new DelegatingOAuth2TokenGenerator(tokens, new SmartRefreshTokens(theProperties)), theTrail);
	}

	@Bean
	@Order(2)
	SecurityFilterChain authorizationServerFilterChain(HttpSecurity theHttp, ClientAssertionDecoders theAssertionDecoders,
			FhirServerProperties theFhir, LaunchContexts theLaunches, OAuth2AuthorizationService theAuthorizations,
			UserAccounts theAccounts, AuditTrail theTrail) throws Exception {
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
						.oidc(Customizer.withDefaults()))
				.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
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
