package org.openimd.server.security.login;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Sends a signed-in person who looks after several patients to the patient picker when an app asks
 * for {@code launch/patient} without an EHR launch; the picker comes back with a {@code launch} that
 * names the chosen patient. A patient needs no picker: their context is their own record.
 */
public class PatientPickerRedirect extends OncePerRequestFilter {

	@Override
	protected boolean shouldNotFilter(HttpServletRequest theRequest) {
		return !theRequest.getRequestURI().equals("/oauth2/authorize")
				|| !"code".equals(theRequest.getParameter("response_type"))
				|| theRequest.getParameter("launch") != null
				|| theRequest.getParameter("scope") == null
				|| Arrays.stream(theRequest.getParameter("scope").split(" ")).noneMatch("launch/patient"::equals);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest theRequest, HttpServletResponse theResponse, FilterChain theChain)
			throws ServletException, IOException {
		Authentication user = SecurityContextHolder.getContext().getAuthentication();
		if (user == null || user instanceof AnonymousAuthenticationToken || !user.isAuthenticated()
				|| SignedInUser.role(user).filter(role -> role != Role.PATIENT).isEmpty()) {
			theChain.doFilter(theRequest, theResponse);
			return;
		}
		UriComponentsBuilder picker = UriComponentsBuilder.fromPath(AppAuthorizationPaths.PATIENT_PICKER);
		theRequest.getParameterMap().forEach((name, values) -> picker.queryParam(name, (Object[]) values));
		theResponse.sendRedirect(picker.encode().build().toUriString());
	}
}
