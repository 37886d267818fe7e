package org.openimd.server.fhir;

import ca.uhn.fhir.rest.server.ServletRequestTracing;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every HTTP request one id, shown in each log line written while serving it and returned in
 * {@code X-Request-ID}, so that a user's report can be matched to the server's log.
 *
 * <p>A caller's own {@code X-Request-ID} is kept when it is a plain token, which lets an EHR follow
 * its request through our logs; anything else is replaced, so that a header cannot forge log lines.
 * The id is handed to HAPI through its own request attribute, so FHIR responses carry the same one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestIdFilter extends OncePerRequestFilter {

	static final String HEADER = "X-Request-ID";
	static final String MDC_KEY = "requestId";

	private static final Pattern ACCEPTABLE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
	private static final SecureRandom RANDOM = new SecureRandom();

	@Override
	protected void doFilterInternal(HttpServletRequest theRequest, HttpServletResponse theResponse, FilterChain theChain)
			throws ServletException, IOException {
		String requestId = acceptOrCreate(theRequest.getHeader(HEADER));
		theRequest.setAttribute(ServletRequestTracing.ATTRIBUTE_REQUEST_ID, requestId);
		theResponse.setHeader(HEADER, requestId);
		MDC.put(MDC_KEY, requestId);
		try {
			theChain.doFilter(theRequest, theResponse);
		} finally {
			MDC.remove(MDC_KEY);
		}
	}

	static String acceptOrCreate(String theOffered) {
		if (theOffered != null && ACCEPTABLE_ID.matcher(theOffered).matches()) {
			return theOffered;
		}
		byte[] random = new byte[8];
		RANDOM.nextBytes(random);
		return HexFormat.of().formatHex(random);
	}
}
