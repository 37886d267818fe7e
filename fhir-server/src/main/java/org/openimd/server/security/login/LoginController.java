package org.openimd.server.security.login;

import org.openimd.server.security.AuthorizationServerMode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.SmartClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.security.web.savedrequest.HttpSessionRequestCache;
import org.springframework.security.web.savedrequest.RequestCache;
import org.springframework.security.web.savedrequest.SavedRequest;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * Two-step sign-in: the password first, then a TOTP code. Between the two the session only remembers
 * whose password was right; nobody is signed in, so the authorization endpoint still sees an
 * anonymous visitor, until the code is right too. Then the visitor goes back to where they were sent
 * from (the app's authorization request).
 */
@Controller
@AuthorizationServerMode.Embedded
class LoginController {

	private static final String PASSWORD_CHECKED = LoginController.class.getName() + ".passwordChecked";
	private static final Logger LOG = LoggerFactory.getLogger(LoginController.class);

	private final UserAccounts myAccounts;
	private final SignInThrottle myThrottle;
	private final AuditTrail myAudit;
	private final SecurityContextRepository myContexts = new HttpSessionSecurityContextRepository();
	private final RequestCache myRequests = new HttpSessionRequestCache();

	LoginController(UserAccounts theAccounts, SignInThrottle theThrottle, AuditTrail theAudit) {
		myAccounts = theAccounts;
		myThrottle = theThrottle;
		myAudit = theAudit;
	}

	@GetMapping(path = AppAuthorizationPaths.LOGIN, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String passwordForm(HttpServletRequest theRequest, HttpServletResponse theResponse, @RequestParam(required = false) String error)
			throws IOException {
		HttpSession session = theRequest.getSession(false);
		if (session != null && session.getAttribute(PASSWORD_CHECKED) != null) {
			theResponse.sendRedirect(AppAuthorizationPaths.CODE);
			return null;
		}
		return Pages.page("Sign in", (error == null ? "" : "<p class=\"error\">Sign-in failed, or the account is locked for a while after too many failures.</p>")
				+ "<form method=\"post\" action=\"" + AppAuthorizationPaths.LOGIN + "\">" + Pages.csrfField(theRequest)
				+ "<label>Username <input type=\"text\" name=\"username\" autocomplete=\"username\" required autofocus></label>"
				+ "<label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\" required></label>"
				+ "<button type=\"submit\">Next</button></form>");
	}

	@PostMapping(AppAuthorizationPaths.LOGIN)
	void checkPassword(@RequestParam String username, @RequestParam String password, HttpServletRequest theRequest,
			HttpServletResponse theResponse) throws IOException {
		if (throttled(username, theRequest, theResponse)) {
			return;
		}
		if (!accepted(username, "password", myAccounts.checkPassword(username, password), theRequest)) {
			theResponse.sendRedirect(AppAuthorizationPaths.LOGIN + "?error");
			return;
		}
		// A new session id at each step: nothing planted before sign-in carries over.
		theRequest.changeSessionId();
		theRequest.getSession().setAttribute(PASSWORD_CHECKED, username);
		theResponse.sendRedirect(AppAuthorizationPaths.CODE);
	}

	@GetMapping(path = AppAuthorizationPaths.CODE, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String codeForm(HttpServletRequest theRequest, HttpServletResponse theResponse, @RequestParam(required = false) String error)
			throws IOException {
		if (passwordCheckedFor(theRequest) == null) {
			theResponse.sendRedirect(AppAuthorizationPaths.LOGIN);
			return null;
		}
		return Pages.page("Authenticator code", (error == null ? "" : "<p class=\"error\">That code is wrong or already used.</p>")
				+ "<form method=\"post\" action=\"" + AppAuthorizationPaths.CODE + "\">" + Pages.csrfField(theRequest)
				+ "<label>The 6-digit code from your authenticator app, or, if you lost it, one of your recovery codes (XXXXX-XXXXX) "
				+ "<input type=\"text\" name=\"code\" autocomplete=\"one-time-code\" pattern=\"[0-9]{6}|[A-Za-z2-7]{5}-[A-Za-z2-7]{5}\" "
				+ "required autofocus></label>"
				+ "<button type=\"submit\">Sign in</button></form>");
	}

	@PostMapping(AppAuthorizationPaths.CODE)
	void checkCode(@RequestParam String code, HttpServletRequest theRequest, HttpServletResponse theResponse) throws IOException {
		String username = passwordCheckedFor(theRequest);
		if (username == null) {
			theResponse.sendRedirect(AppAuthorizationPaths.LOGIN);
			return;
		}
		if (throttled(username, theRequest, theResponse)) {
			return;
		}
		boolean recovery = UserAccounts.isRecoveryCode(code);
		UserAccounts.Outcome outcome = recovery ? myAccounts.checkRecoveryCode(username, code) : myAccounts.checkCode(username, code);
		if (!accepted(username, recovery ? "recovery code" : "authenticator code", outcome, theRequest)) {
			if (outcome == UserAccounts.Outcome.LOCKED) {
				theRequest.getSession().removeAttribute(PASSWORD_CHECKED);
				theResponse.sendRedirect(AppAuthorizationPaths.LOGIN + "?error");
			} else {
				theResponse.sendRedirect(AppAuthorizationPaths.CODE + "?error");
			}
			return;
		}
		theRequest.getSession().removeAttribute(PASSWORD_CHECKED);
		theRequest.changeSessionId();
		SecurityContext context = SecurityContextHolder.createEmptyContext();
		context.setAuthentication(SignedInUser.of(myAccounts.find(username).orElseThrow(),
				List.of(SmartClaims.AMR_PASSWORD, SmartClaims.AMR_ONE_TIME_PASSWORD)));
		SecurityContextHolder.setContext(context);
		myContexts.saveContext(context, theRequest, theResponse);
		LOG.info("{} signed in with password and {}", username, recovery ? "a recovery code" : "authenticator code");
		SavedRequest saved = myRequests.getRequest(theRequest, theResponse);
		myRequests.removeRequest(theRequest, theResponse);
		theResponse.sendRedirect(saved == null ? AppAuthorizationPaths.SIGNED_IN : saved.getRedirectUrl());
	}

	@GetMapping(path = AppAuthorizationPaths.SIGNED_IN, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String signedIn() {
		return Pages.page("Signed in", "<p>You are signed in. Return to the app you came from.</p>");
	}

	/** A page to sign out from, since signing out is a POST with its CSRF token: nobody is signed out by a link in a mail. */
	@GetMapping(path = AppAuthorizationPaths.SIGN_OUT, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String signOutForm(HttpServletRequest theRequest) {
		return Pages.page("Sign out", "<form method=\"post\" action=\"" + AppAuthorizationPaths.SIGN_OUT + "\">" + Pages.csrfField(theRequest)
				+ "<button type=\"submit\">Sign out</button></form>");
	}

	@GetMapping(path = AppAuthorizationPaths.SIGNED_OUT, produces = MediaType.TEXT_HTML_VALUE)
	@ResponseBody
	String signedOut() {
		return Pages.page("Signed out", "<p>You are signed out. An app you authorised keeps its access until its token runs out or "
				+ "is revoked.</p>");
	}

	/** Audits a checked sign-in step; a failure also counts against the address it came from. */
	private boolean accepted(String theUsername, String theStep, UserAccounts.Outcome theOutcome, HttpServletRequest theRequest) {
		boolean accepted = theOutcome == UserAccounts.Outcome.ACCEPTED;
		myAudit.record(AuditEvents.signIn(theUsername, theStep + ": " + theOutcome, accepted, theRequest.getRemoteAddr()));
		if (!accepted) {
			LOG.warn("Failed sign-in step ({}) for {}", theStep, theUsername);
			myThrottle.failed(theRequest.getRemoteAddr());
		}
		return accepted;
	}

	/** Refuses the step, unchecked, when its address has failed too often: 429, and an audited failure. */
	private boolean throttled(String theUsername, HttpServletRequest theRequest, HttpServletResponse theResponse) throws IOException {
		if (!myThrottle.refuses(theRequest.getRemoteAddr())) {
			return false;
		}
		myAudit.record(AuditEvents.signIn(theUsername, "refused unchecked: too many failed sign-ins from this address", false,
				theRequest.getRemoteAddr()));
		LOG.warn("Sign-in step for {} refused: too many failures from {}", theUsername, theRequest.getRemoteAddr());
		theResponse.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
		theResponse.setContentType(MediaType.TEXT_HTML_VALUE);
		theResponse.setCharacterEncoding(StandardCharsets.UTF_8.name());
		theResponse.getWriter().write(Pages.page("Try again later",
				"<p class=\"error\">There were too many failed sign-ins from your network. Try again later.</p>"));
		return true;
	}

	private static String passwordCheckedFor(HttpServletRequest theRequest) {
		HttpSession session = theRequest.getSession(false);
		return session == null ? null : (String) session.getAttribute(PASSWORD_CHECKED);
	}
}
