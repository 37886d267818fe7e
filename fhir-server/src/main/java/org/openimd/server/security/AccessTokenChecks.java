package org.openimd.server.security;

import java.util.Collection;
import java.util.List;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/** Checks of an access token at the API that hold whoever issued it. */
final class AccessTokenChecks {

	private AccessTokenChecks() {}

	/**
	 * A person's token (one with a role) must have been earned with a second factor, one of
	 * {@code theSecondFactors} among its {@code amr}; systems authenticate with their own keys instead.
	 */
	static OAuth2TokenValidator<Jwt> personSignedInWithTwoFactors(Collection<String> theSecondFactors) {
		return token -> {
			List<String> methods = token.getClaimAsStringList(SmartClaims.AMR);
			return token.getClaimAsString(SmartClaims.ROLE) == null
							|| (methods != null && methods.stream().anyMatch(theSecondFactors::contains))
					? OAuth2TokenValidatorResult.success()
					: invalid("a person's token needs multi-factor sign-in");
		};
	}

	static OAuth2TokenValidatorResult invalid(String theReason) {
		return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, theReason, null));
	}
}
