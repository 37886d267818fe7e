package org.openimd.server.security;

import java.util.Optional;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2Token;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/** Records an AuditEvent for every access token the authorization server issues, to a system or to a person's app. */
class AuditedTokenGenerator implements OAuth2TokenGenerator<OAuth2Token> {

	private final OAuth2TokenGenerator<? extends OAuth2Token> myTokens;
	private final AuditTrail myTrail;

	AuditedTokenGenerator(OAuth2TokenGenerator<? extends OAuth2Token> theTokens, AuditTrail theTrail) {
		myTokens = theTokens;
		myTrail = theTrail;
	}

	@Override
	public OAuth2Token generate(OAuth2TokenContext theContext) {
		OAuth2Token token = myTokens.generate(theContext);
		if (token instanceof Jwt jwt && OAuth2TokenType.ACCESS_TOKEN.equals(theContext.getTokenType())) {
			AuthorizationGrantType grant = theContext.getAuthorizationGrantType();
			Optional<String> person = AuthorizationGrantType.CLIENT_CREDENTIALS.equals(grant)
					? Optional.empty()
					: Optional.of(theContext.getPrincipal().getName());
			myTrail.record(AuditEvents.tokenIssued(theContext.getRegisteredClient().getClientId(), person, grant.getValue(),
					String.join(" ", theContext.getAuthorizedScopes()), jwt.getId()));
		}
		return token;
	}
}
