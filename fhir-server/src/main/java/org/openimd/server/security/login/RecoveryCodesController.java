package org.openimd.server.security.login;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.stream.Collectors;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.AuthorizationServerMode;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * {@code /auth/recovery-codes}: a signed-in person replaces their recovery codes, say after using
 * some. Being signed in is not enough: a browser left open would let anyone take the codes, so the
 * person proves again that they hold the authenticator (a fresh code, which counts against lockout
 * like any sign-in step). The new codes are shown once; the old ones stop working.
 */
@Controller
@AuthorizationServerMode.Embedded
class RecoveryCodesController {

	private final UserAccounts myAccounts;
	private final AuditTrail myAudit;

	RecoveryCodesController(UserAccounts theAccounts, AuditTrail theAudit) {
		myAccounts = theAccounts;
		myAudit = theAudit;
	}

	@GetMapping(path = AppAuthorizationPaths.RECOVERY_CODES, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String form(Principal thePerson, HttpServletRequest theRequest, @RequestParam(required = false) String error) {
		return Pages.page("Recovery codes", (error == null ? "" : "<p class=\"error\">That code is wrong or already used.</p>")
				+ "<p>You have " + myAccounts.recoveryCodesLeft(thePerson.getName()) + " unused recovery codes. New ones replace them all.</p>"
				+ "<form method=\"post\" action=\"" + AppAuthorizationPaths.RECOVERY_CODES + "\">" + Pages.csrfField(theRequest)
				+ "<label>The 6-digit code from your authenticator app "
				+ "<input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}\" required autofocus></label>"
				+ "<button type=\"submit\">Issue new recovery codes</button></form>");
	}

	@PostMapping(path = AppAuthorizationPaths.RECOVERY_CODES, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String issue(Principal thePerson, @RequestParam String code, HttpServletRequest theRequest, HttpServletResponse theResponse)
			throws IOException {
		String username = thePerson.getName();
		UserAccounts.Outcome outcome = myAccounts.checkCode(username, code);
		boolean accepted = outcome == UserAccounts.Outcome.ACCEPTED;
		myAudit.record(AuditEvents.signIn(username, "authenticator code to issue new recovery codes: " + outcome, accepted,
				theRequest.getRemoteAddr()));
		if (!accepted) {
			theResponse.sendRedirect(AppAuthorizationPaths.RECOVERY_CODES + "?error");
			return null;
		}
		List<String> codes = myAccounts.newRecoveryCodes(username);
		myAudit.record(AuditEvents.recoveryCodesIssued(username, theRequest.getRemoteAddr()));
		return Pages.page("New recovery codes", "<p>Keep these somewhere safe, apart from your authenticator: each signs you in once "
				+ "in its place. They are shown only now; your earlier codes no longer work.</p><ul>"
				+ codes.stream().map(recovery -> "<li><code>" + Pages.escape(recovery) + "</code></li>").collect(Collectors.joining())
				+ "</ul>");
	}
}
