package org.openimd.server.security;

import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * Registers SMART clients in the authorization server's client store: systems (Backend Services,
 * {@code private_key_jwt}) and apps (authorization code with PKCE). Registering an existing client id
 * again replaces its registration.
 */
public class SmartClientRegistry {

	private final RegisteredClientRepository myClients;
	private final AuthProperties myProperties;
	private final PasswordEncoder myPasswords;

	SmartClientRegistry(RegisteredClientRepository theClients, AuthProperties theProperties, PasswordEncoder thePasswords) {
		myClients = theClients;
		myProperties = theProperties;
		myPasswords = thePasswords;
	}

	public void register(AuthProperties.SystemClient theClient) {
		myClients.save(systemClient(theClient, myProperties));
	}

	public void register(AuthProperties.App theApp) {
		myClients.save(app(theApp, myProperties, myPasswords));
	}

	static RegisteredClient systemClient(AuthProperties.SystemClient theClient, AuthProperties theProperties) {
		ClientSettings.Builder settings = ClientSettings.builder()
				.requireProofKey(true)
				.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384);
		if (theClient.actsAs() != null) {
			settings.setting(SmartClaims.ACTS_AS, theClient.actsAs().name()).setting(SmartClaims.ORGANIZATION, theClient.organization());
		}
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

	/** PKCE for every app, confidential ones too, and the person's consent for every authorization. */
	static RegisteredClient app(AuthProperties.App theApp, AuthProperties theProperties, PasswordEncoder thePasswords) {
		RegisteredClient.Builder client = RegisteredClient.withId(theApp.clientId())
				.clientId(theApp.clientId())
				.clientName(theApp.name())
				.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
				.redirectUris(uris -> uris.addAll(theApp.redirectUris()))
				.scopes(scopes -> scopes.addAll(theApp.scopes()))
				.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(true).build())
				.tokenSettings(TokenSettings.builder()
						.accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
						.accessTokenTimeToLive(theProperties.userTokenLifetime())
						.refreshTokenTimeToLive(theProperties.offlineAccessLifetime())
						.reuseRefreshTokens(false)
						.build());
		if (theApp.confidential()) {
			client.clientSecret(thePasswords.encode(theApp.clientSecret()))
					.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
					.clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST)
					.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN);
		} else {
			client.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
		}
		return client.build();
	}
}
