package org.openimd.server.audit;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Records every API request answered 401 or 403, whoever refused it: Spring Security (no token, a
 * revoked one, a missing scope) or the FHIR layer's authorization rules. It sits inside the security
 * filter chain, after the security context is set up, so that a refused token's holder is known.
 */
public class RefusedRequestAudit extends OncePerRequestFilter {

	private final AuditTrail myTrail;

	public RefusedRequestAudit(AuditTrail theTrail) {
		myTrail = theTrail;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest theRequest, HttpServletResponse theResponse, FilterChain theChain)
			throws ServletException, IOException {
		try {
			theChain.doFilter(theRequest, theResponse);
		} finally {
			int status = theResponse.getStatus();
			if (status == HttpServletResponse.SC_UNAUTHORIZED || status == HttpServletResponse.SC_FORBIDDEN) {
				myTrail.record(AuditEvents.refused(theRequest.getMethod(), theRequest.getRequestURI(), status, theRequest.getRemoteAddr()));
			}
		}
	}
}
