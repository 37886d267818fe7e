package org.openimd.server.security.login;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openimd.server.security.AuthorizationServerMode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /admin/users}: creates a person's account and answers the TOTP secret and the
 * {@code otpauth://} URI to enrol in an authenticator app (show it as a QR code), and ten recovery
 * codes for when the authenticator is lost; none of them is shown again. The URI comes as a QR code
 * too (SVG), for the authenticator app to scan from the administrator's screen. {@code GET} lists the
 * accounts without their secrets. Only administrators reach {@code /admin} (see the API's security configuration).
 */
@RestController
@AuthorizationServerMode.Embedded
class UserAdminController {

	private static final String ISSUER = "OpenIMD";

	private final UserAccounts myAccounts;
	private final Clock myClock;

	UserAdminController(UserAccounts theAccounts, Clock theClock) {
		myAccounts = theAccounts;
		myClock = theClock;
	}

	/**
	 * @param fhirUser the Patient or Practitioner this person is, e.g. {@code Practitioner/3}
	 * @param organization the Organization a pharmacist or manufacturer acts for
	 */
	record NewUser(String username, String password, Role role, String fhirUser, String organization) {}

	/** A body that is no account ({@code "role": "nurse"}, a number for a name) is refused with the reason, not a bare 400. */
	@ExceptionHandler(HttpMessageNotReadableException.class)
	ProblemDetail unreadable(HttpMessageNotReadableException theProblem) {
		Throwable cause = theProblem;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, cause instanceof IllegalArgumentException ? cause.getMessage()
				: "the body must be a JSON object: {\"username\", \"password\", \"role\", \"fhirUser\", \"organization\"}");
	}

	/** A refusal of this controller's own, with its reason in the body. */
	@ExceptionHandler(ResponseStatusException.class)
	ProblemDetail refused(ResponseStatusException theRefusal) {
		return ProblemDetail.forStatusAndDetail(theRefusal.getStatusCode(), theRefusal.getReason());
	}

	/** The accounts, without any secret: who they are, their role, and whether sign-in is locked for them now. */
	@GetMapping("/admin/users")
	List<Map<String, Object>> list() {
		Instant now = myClock.instant();
		List<Map<String, Object>> users = new ArrayList<>();
		myAccounts.all().forEach(account -> {
			Map<String, Object> user = new LinkedHashMap<>();
			user.put("username", account.username());
			user.put("role", account.role());
			account.fhirUser().ifPresent(fhirUser -> user.put("fhirUser", fhirUser));
			account.organization().ifPresent(organization -> user.put("organization", organization));
			user.put("locked", account.lockedAt(now));
			users.add(user);
		});
		return users;
	}

	@PostMapping("/admin/users")
	ResponseEntity<Map<String, Object>> create(@RequestBody NewUser theUser) {
		if (theUser.username() == null || theUser.username().isBlank() || theUser.password() == null || theUser.role() == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "username, password and role are required");
		}
		UserAccount account;
		try {
			account = myAccounts.create(theUser.username(), theUser.password(), theUser.role(), Optional.ofNullable(theUser.fhirUser()),
					Optional.ofNullable(theUser.organization()));
		} catch (IllegalArgumentException e) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, e.getMessage());
		}
		Map<String, Object> created = new LinkedHashMap<>();
		created.put("username", account.username());
		created.put("role", account.role());
		account.fhirUser().ifPresent(fhirUser -> created.put("fhirUser", fhirUser));
		account.organization().ifPresent(organization -> created.put("organization", organization));
		created.put("totpSecret", account.totpSecret());
		String enrolment = Totp.enrolmentUri(ISSUER, account.username(), account.totpSecret());
		created.put("otpauthUri", enrolment);
		created.put("otpauthQrCode", EnrolmentQrCode.svg(enrolment));
		created.put("recoveryCodes", myAccounts.newRecoveryCodes(account.username()));
		return ResponseEntity.status(HttpStatus.CREATED).header("Cache-Control", "no-store").body(created);
	}
}
