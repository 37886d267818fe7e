package org.openimd.server.security;

import java.time.Clock;
import java.time.Instant;
import org.openimd.server.RandomSecret;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens as SMART grants them: only when the person granted {@code offline_access} (long-lived)
 * or {@code online_access} (about one working session), and only to confidential apps, which can keep
 * them secret. Each refresh replaces the token (the client's settings turn reuse off).
 */
class SmartRefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

	static final String OFFLINE_ACCESS = "offline_access";
	static final String ONLINE_ACCESS = "online_access";
	private static final int TOKEN_BYTES = 48;

	private final AuthProperties myProperties;
	private final Clock myClock;

	SmartRefreshTokens(AuthProperties theProperties, Clock theClock) {
		myProperties = theProperties;
		myClock = theClock;
	}

	@Override
	public OAuth2RefreshToken generate(OAuth2TokenContext theContext) {
		if (!OAuth2TokenType.REFRESH_TOKEN.equals(theContext.getTokenType())
				|| theContext.getRegisteredClient().getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)) {
			return null;
		}
		boolean offline = theContext.getAuthorizedScopes().contains(OFFLINE_ACCESS);
		if (!offline && !theContext.getAuthorizedScopes().contains(ONLINE_ACCESS)) {
			return null;
		}
		Instant issuedAt = myClock.instant();
		return new OAuth2RefreshToken(RandomSecret.urlSafe(TOKEN_BYTES), issuedAt,
				issuedAt.plus(offline ? myProperties.offlineAccessLifetime() : myProperties.onlineAccessLifetime()));
	}
}
