package org.openimd.server.security;

import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * Keeps, with each authorization made from a launch, the patient of that launch and whether the app
 * must show a patient banner: the launch itself expires within minutes, the authorization's refresh
 * tokens live on and must carry the same patient.
 */
class LaunchAwareAuthorizationService implements OAuth2AuthorizationService {

	static final String NEED_PATIENT_BANNER = "need_patient_banner";

	private final OAuth2AuthorizationService myDelegate;
	private final LaunchContexts myLaunches;

	LaunchAwareAuthorizationService(OAuth2AuthorizationService theDelegate, LaunchContexts theLaunches) {
		myDelegate = theDelegate;
		myLaunches = theLaunches;
	}

	@Override
	public void save(OAuth2Authorization theAuthorization) {
		OAuth2AuthorizationRequest request = theAuthorization.getAttribute(OAuth2AuthorizationRequest.class.getName());
		Object launchId = request == null ? null : request.getAdditionalParameters().get("launch");
		if (launchId == null || theAuthorization.getAttribute(SmartClaims.PATIENT) != null) {
			myDelegate.save(theAuthorization);
			return;
		}
		OAuth2Authorization.Builder withContext = OAuth2Authorization.from(theAuthorization);
		myLaunches.find(launchId.toString(), theAuthorization.getPrincipalName(), request.getClientId()).ifPresent(launch -> withContext
				.attribute(SmartClaims.PATIENT, launch.patient())
				.attribute(NEED_PATIENT_BANNER, launch.needPatientBanner()));
		myDelegate.save(withContext.build());
	}

	@Override
	public void remove(OAuth2Authorization theAuthorization) {
		myDelegate.remove(theAuthorization);
	}

	@Override
	public OAuth2Authorization findById(String theId) {
		return myDelegate.findById(theId);
	}

	@Override
	public OAuth2Authorization findByToken(String theToken, OAuth2TokenType theTokenType) {
		return myDelegate.findByToken(theToken, theTokenType);
	}
}
