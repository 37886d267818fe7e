package org.openimd.server.security;

import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientCredentialsAuthenticationToken;

/**
 * A client may ask for less than it is registered for, in SMART's terms: registered for
 * {@code system/*.rs}, it may ask for {@code system/Device.r} or v1 {@code system/Device.read}. Spring
 * Authorization Server's own check is exact set containment, which would refuse those. Nothing
 * beyond the registration is ever granted.
 */
class SmartScopeValidator implements Consumer<OAuth2ClientCredentialsAuthenticationContext> {

	@Override
	public void accept(OAuth2ClientCredentialsAuthenticationContext theContext) {
		OAuth2ClientCredentialsAuthenticationToken request = theContext.getAuthentication();
		Set<String> registered = theContext.getRegisteredClient().getScopes();
		for (String requested : request.getScopes()) {
			if (!covered(requested, registered)) {
				throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_SCOPE,
						"scope " + requested + " is beyond what this client is registered for", null));
			}
		}
	}

	static boolean covered(String theRequested, Set<String> theRegistered) {
		if (theRegistered.contains(theRequested)) {
			return true;
		}
		Optional<SmartScope> requested = SmartScope.parse(theRequested);
		return requested.isPresent() && theRegistered.stream()
				.map(SmartScope::parse)
				.flatMap(Optional::stream)
				.anyMatch(registered -> registered.covers(requested.get()));
	}
}
