package org.openimd.server.security;

import java.util.Set;
import java.util.function.Consumer;
import org.openimd.server.fhir.FhirServerProperties;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.SignedInUser;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationValidator;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;
import org.springframework.util.StringUtils;

/**
 * An app's authorization request, checked as SMART App Launch requires beyond OAuth: the redirect URI
 * as Spring Authorization Server checks it; scopes by SMART's rules (a client registered for
 * {@code patient/*.rs} may ask for {@code patient/Observation.rs}); {@code aud} (or {@code resource})
 * must be this server's FHIR base, so that no token meant for another server is issued here; and,
 * once the person has signed in, the launch must be theirs and the app's, and a launch with a
 * patient must have one.
 */
class SmartAuthorizationRequestValidator implements Consumer<OAuth2AuthorizationCodeRequestAuthenticationContext> {

	private final FhirServerProperties myFhir;
	private final LaunchContexts myLaunches;

	SmartAuthorizationRequestValidator(FhirServerProperties theFhir, LaunchContexts theLaunches) {
		myFhir = theFhir;
		myLaunches = theLaunches;
	}

	@Override
	public void accept(OAuth2AuthorizationCodeRequestAuthenticationContext theContext) {
		OAuth2AuthorizationCodeRequestAuthenticationValidator.DEFAULT_REDIRECT_URI_VALIDATOR.accept(theContext);
		OAuth2AuthorizationCodeRequestAuthenticationToken request = theContext.getAuthentication();
		Set<String> registered = theContext.getRegisteredClient().getScopes();
		for (String scope : request.getScopes()) {
			if (!SmartScopeValidator.covered(scope, registered)) {
				reject(theContext, OAuth2ErrorCodes.INVALID_SCOPE, "scope " + scope + " is beyond what this app is registered for");
			}
		}
		Object audience = request.getAdditionalParameters().getOrDefault("aud", request.getAdditionalParameters().get("resource"));
		String fhirBase = FhirBase.of(myFhir, AuthorizationServerContextHolder.getContext().getIssuer());
		if (audience == null || !stripSlash(audience.toString()).equals(stripSlash(fhirBase))) {
			reject(theContext, OAuth2ErrorCodes.INVALID_REQUEST, "aud must be this server's FHIR base URL, " + fhirBase);
		}
		Authentication user = (Authentication) request.getPrincipal();
		if (user == null || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()) {
			return;
		}
		Object launch = request.getAdditionalParameters().get("launch");
		if (launch != null) {
			if (myLaunches.find(launch.toString(), user.getName(), request.getClientId()).isEmpty()) {
				reject(theContext, OAuth2ErrorCodes.INVALID_REQUEST, "the launch is unknown, expired, or not for this user and app");
			}
		} else if (request.getScopes().contains("launch")) {
			reject(theContext, OAuth2ErrorCodes.INVALID_REQUEST, "an EHR launch (scope launch) needs its launch parameter");
		} else if (request.getScopes().contains("launch/patient") && SignedInUser.role(user).filter(role -> role == Role.PATIENT).isEmpty()) {
			reject(theContext, OAuth2ErrorCodes.INVALID_REQUEST, "no patient was chosen");
		}
	}

	private static String stripSlash(String theUrl) {
		return StringUtils.trimTrailingCharacter(theUrl, '/');
	}

	/** An error the app receives at its (already validated) redirect URI: no code is issued. */
	private static void reject(OAuth2AuthorizationCodeRequestAuthenticationContext theContext, String theCode, String theDescription) {
		OAuth2AuthorizationCodeRequestAuthenticationToken request = theContext.getAuthentication();
		String redirectUri = StringUtils.hasText(request.getRedirectUri())
				? request.getRedirectUri()
				: theContext.getRegisteredClient().getRedirectUris().iterator().next();
		OAuth2AuthorizationCodeRequestAuthenticationToken result = new OAuth2AuthorizationCodeRequestAuthenticationToken(
				request.getAuthorizationUri(), request.getClientId(), (Authentication) request.getPrincipal(), redirectUri,
				request.getState(), request.getScopes(), request.getAdditionalParameters());
		result.setAuthenticated(true);
		throw new OAuth2AuthorizationCodeRequestAuthenticationException(new OAuth2Error(theCode, theDescription, null), result);
	}
}
