package org.openimd.server.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenIntrospection;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenIntrospectionAuthenticationToken;

/**
 * Token introspection (RFC 7662) answers a client about its own tokens only: for anyone else's, the
 * answer is {@code active: false}, as for a token that does not exist. Spring Authorization Server
 * answers any authenticated client about any token, which would let one app read another's patient,
 * user and role. Revocation already refuses other clients' tokens.
 */
final class OwnTokensIntrospection implements AuthenticationProvider {

	private final AuthenticationProvider myIntrospection;
	private final OAuth2AuthorizationService myAuthorizations;

	OwnTokensIntrospection(AuthenticationProvider theIntrospection, OAuth2AuthorizationService theAuthorizations) {
		myIntrospection = theIntrospection;
		myAuthorizations = theAuthorizations;
	}

	@Override
	public Authentication authenticate(Authentication theRequest) throws AuthenticationException {
		OAuth2TokenIntrospectionAuthenticationToken request = (OAuth2TokenIntrospectionAuthenticationToken) theRequest;
		OAuth2Authorization authorization = myAuthorizations.findByToken(request.getToken(), null);
		boolean own = authorization != null && request.getPrincipal() instanceof OAuth2ClientAuthenticationToken client
				&& client.getRegisteredClient() != null && client.getRegisteredClient().getId().equals(authorization.getRegisteredClientId());
		if (!own) {
			return new OAuth2TokenIntrospectionAuthenticationToken(request.getToken(), (Authentication) request.getPrincipal(),
					OAuth2TokenIntrospection.builder().build());
		}
		return myIntrospection.authenticate(theRequest);
	}

	@Override
	public boolean supports(Class<?> theAuthentication) {
		return myIntrospection.supports(theAuthentication);
	}
}
