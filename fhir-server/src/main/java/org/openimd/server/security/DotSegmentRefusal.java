package org.openimd.server.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses, with 400, a request whose path holds a {@code .} or {@code ..} segment, plain or
 * percent-encoded. Tomcat resolves such a path before choosing the servlet, but Spring's path parsing,
 * which runs ahead of the security filters, compares it with the servlet's unresolved one and failed
 * with a 500; no client of this server needs one.
 */
final class DotSegmentRefusal extends OncePerRequestFilter {

	private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)(\\.|%2e){1,2}(/|;|$)");

	@Override
	protected void doFilterInternal(HttpServletRequest theRequest, HttpServletResponse theResponse, FilterChain theChain)
			throws ServletException, IOException {
		if (DOT_SEGMENT.matcher(theRequest.getRequestURI().toLowerCase(Locale.ROOT)).find()) {
			theResponse.sendError(HttpServletResponse.SC_BAD_REQUEST, "a path may not hold . or .. segments");
			return;
		}
		theChain.doFilter(theRequest, theResponse);
	}
}
