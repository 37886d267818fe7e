package org.openimd.server.security;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.openimd.server.fhir.FhirServerProperties;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Authorization Server inside OpenIMD, with its own filter chain. Clients, authorizations and
 * the signing key live in OpenIMD's database, so a restart keeps them. What SMART needs beyond SAS is
 * added at SAS's hooks: {@link ClientAssertionDecoders} for Backend Services client assertions, and
 * the FHIR base as every access token's {@code aud}.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerConfig {

	@Bean
	RegisteredClientRepository registeredClientRepository(DataSource theDataSource, DataSourceProperties theDataSourceProperties,
			AuthProperties theProperties) {
		SecuritySchema.create(theDataSource, theDataSourceProperties.determineUrl());
		JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(new JdbcTemplate(theDataSource));
		theProperties.clients().forEach(client -> clients.save(systemClient(client, theProperties)));
		return clients;
	}

	private static RegisteredClient systemClient(AuthProperties.SystemClient theClient, AuthProperties theProperties) {
		ClientSettings.Builder settings = ClientSettings.builder()
				.requireProofKey(true)
				.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384);
		if (theClient.jwks() != null && !theClient.jwks().isBlank()) {
			settings.setting(ClientAssertionDecoders.INLINE_JWKS_SETTING, theClient.jwks());
		} else {
			settings.jwkSetUrl(theClient.jwksUrl().toString());
		}
		return RegisteredClient.withId(theClient.clientId())
				.clientId(theClient.clientId())
				.clientName(theClient.name())
				.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT)
				.authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
				.scopes(scopes -> scopes.addAll(theClient.scopes()))
				.clientSettings(settings.build())
				.tokenSettings(TokenSettings.builder()
						.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
						.accessTokenTimeToLive(theProperties.systemTokenLifetime())
						.build())
				.build();
	}

	@Bean
	OAuth2AuthorizationService authorizationService(DataSource theDataSource, RegisteredClientRepository theClients) {
		return new JdbcOAuth2AuthorizationService(new JdbcTemplate(theDataSource), theClients);
	}

	/** Depends on the client repository, which creates the tables. */
	@Bean
	JWKSource<SecurityContext> jwkSource(DataSource theDataSource, RegisteredClientRepository theClients) {
		JWKSet keys = SigningKeys.load(new JdbcTemplate(theDataSource));
		return new ImmutableJWKSet<>(keys);
	}

	@Bean
	AuthorizationServerSettings authorizationServerSettings() {
		return AuthorizationServerSettings.builder().build();
	}

	@Bean
	ClientAssertionDecoders clientAssertionDecoders(DataSource theDataSource) {
		return new ClientAssertionDecoders(new ClientAssertionReplayCache(new JdbcTemplate(theDataSource), Clock.systemUTC()),
				Clock.systemUTC());
	}

	/** Access tokens are for the FHIR API only: their {@code aud} is its base URL, which it checks. */
	@Bean
	OAuth2TokenCustomizer<JwtEncodingContext> accessTokenAudience(FhirServerProperties theFhir) {
		return context -> {
			if (OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
				// An ArrayList: the claims are stored with the authorization, and Spring Security's
				// deserialisation allow-list knows it, not List.of's classes.
				context.getClaims().audience(new ArrayList<>(List.of(
						FhirBase.of(theFhir, AuthorizationServerContextHolder.getContext().getIssuer()))));
			}
		};
	}

	@Bean
	@Order(2)
	SecurityFilterChain authorizationServerFilterChain(HttpSecurity theHttp, ClientAssertionDecoders theAssertionDecoders)
			throws Exception {
		OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
		theHttp.securityMatcher(server.getEndpointsMatcher())
				.with(server, configurer -> configurer.clientAuthentication(clients -> clients
						.authenticationConverters(converters -> converters.add(0, new ClientAssertionWithoutClientIdConverter()))
						.authenticationProviders(providers -> providers.forEach(provider -> {
							if (provider instanceof JwtClientAssertionAuthenticationProvider assertions) {
								assertions.setJwtDecoderFactory(theAssertionDecoders);
							}
						})))
						.tokenEndpoint(tokens -> tokens.authenticationProviders(providers -> providers.forEach(provider -> {
							if (provider instanceof OAuth2ClientCredentialsAuthenticationProvider clientCredentials) {
								clientCredentials.setAuthenticationValidator(new SmartScopeValidator());
							}
						}))))
				.authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
				.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return theHttp.build();
	}
}
