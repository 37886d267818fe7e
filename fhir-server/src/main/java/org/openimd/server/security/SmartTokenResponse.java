package org.openimd.server.security;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;

/**
 * SMART's launch context in the token response of an app: {@code patient} and
 * {@code need_patient_banner}, next to the {@code scope} actually granted that Spring Authorization
 * Server already returns.
 */
class SmartTokenResponse implements Consumer<OAuth2AccessTokenAuthenticationContext> {

	private final OAuth2AuthorizationService myAuthorizations;
	private final UserAccounts myAccounts;

	SmartTokenResponse(OAuth2AuthorizationService theAuthorizations, UserAccounts theAccounts) {
		myAuthorizations = theAuthorizations;
		myAccounts = theAccounts;
	}

	@Override
	public void accept(OAuth2AccessTokenAuthenticationContext theContext) {
		OAuth2AccessTokenAuthenticationToken issued = theContext.getAuthentication();
		OAuth2Authorization authorization = myAuthorizations.findByToken(issued.getAccessToken().getTokenValue(), OAuth2TokenType.ACCESS_TOKEN);
		if (authorization == null || AuthorizationGrantType.CLIENT_CREDENTIALS.equals(authorization.getAuthorizationGrantType())) {
			return;
		}
		myAccounts.find(authorization.getPrincipalName()).ifPresent(account -> {
			Map<String, Object> context = new HashMap<>(issued.getAdditionalParameters());
			SmartTokenClaims.patientInContext(authorization, account).ifPresent(patient -> {
				context.put(SmartClaims.PATIENT, patient);
				Boolean banner = authorization.getAttribute(LaunchAwareAuthorizationService.NEED_PATIENT_BANNER);
				context.put(LaunchAwareAuthorizationService.NEED_PATIENT_BANNER, banner == null || banner);
			});
			theContext.getAccessTokenResponse().additionalParameters(context);
		});
	}
}
