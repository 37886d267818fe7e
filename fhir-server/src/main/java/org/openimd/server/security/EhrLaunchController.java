package org.openimd.server.security;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /smart/launch}: the start of SMART's EHR launch. An EHR (or OpenIMD's own web app),
 * holding a token with {@code openimd.launch}, asks for a launch of an app by a user with a patient in
 * context, and opens the app's launch URL with the {@code launch} returned. The launch works only for
 * that user and app, for a few minutes, and only with a patient the user may see.
 */
@RestController
@AuthorizationServerMode.Embedded
class EhrLaunchController {

	static final String PATH = "/smart/launch";

	private final LaunchContexts myLaunches;
	private final UserAccounts myAccounts;
	private final CareRelationships myCare;
	private final RegisteredClientRepository myClients;

	EhrLaunchController(LaunchContexts theLaunches, UserAccounts theAccounts, CareRelationships theCare, RegisteredClientRepository theClients) {
		myLaunches = theLaunches;
		myAccounts = theAccounts;
		myCare = theCare;
		myClients = theClients;
	}

	/**
	 * @param username the user who will use the app; a person's token may only launch for themselves
	 * @param clientId the app to launch
	 * @param patient the id of the patient in context
	 * @param needPatientBanner false when the EHR around the app already shows the patient
	 */
	@PostMapping(PATH)
	ResponseEntity<Map<String, Object>> launch(@AuthenticationPrincipal Jwt theToken, @RequestParam String username,
			@RequestParam("client_id") String clientId, @RequestParam String patient,
			@RequestParam(name = "need_patient_banner", defaultValue = "false") boolean needPatientBanner) {
		if (theToken.getClaimAsString(SmartClaims.ROLE) != null && !theToken.getSubject().equals(username)) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, "a person may launch apps only for themselves");
		}
		RegisteredClient app = myClients.findByClientId(clientId);
		if (app == null || !app.getAuthorizationGrantTypes().contains(AuthorizationGrantType.AUTHORIZATION_CODE)) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "no app is registered as " + clientId);
		}
		UserAccount user = myAccounts.find(username)
				.orElseThrow(() -> new ResponseStatusException(HttpStatus.BAD_REQUEST, "no user " + username));
		Optional<Set<String>> reachable = myCare.reachableBy(user.role(), user.fhirUser().orElse(null), user.organization().orElse(null));
		if (reachable.isPresent() && !reachable.get().contains(patient)) {
			throw new ResponseStatusException(HttpStatus.FORBIDDEN, username + " may not see this patient");
		}
		LaunchContexts.Launch launch = myLaunches.create(username, clientId, patient, needPatientBanner);
		return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("launch", launch.launchId(), "patient", patient));
	}
}
