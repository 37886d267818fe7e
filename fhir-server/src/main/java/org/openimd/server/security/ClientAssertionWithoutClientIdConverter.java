package org.openimd.server.security;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * SMART Backend Services clients send a client assertion without a {@code client_id} parameter (RFC
 * 7523 makes it optional); Spring Authorization Server insists on one. This converter reads the
 * client from the assertion's {@code iss}, unverified: the signature, and {@code iss} = {@code sub} =
 * that client, are checked afterwards against the keys registered for it.
 */
class ClientAssertionWithoutClientIdConverter implements AuthenticationConverter {

	private static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	@Override
	public Authentication convert(HttpServletRequest theRequest) {
		String assertion = theRequest.getParameter("client_assertion");
		if (assertion == null || theRequest.getParameter("client_id") != null
				|| !JWT_BEARER.equals(theRequest.getParameter("client_assertion_type"))
				|| theRequest.getParameterValues("client_assertion").length != 1) {
			// Not this converter's case: Spring Authorization Server's own converters take it.
			return null;
		}
		String clientId;
		try {
			clientId = JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
		} catch (ParseException e) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		if (clientId == null || clientId.isBlank()) {
			throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_CLIENT);
		}
		// The method is the assertion type, as Spring Authorization Server's own converter names it.
		return new OAuth2ClientAuthenticationToken(clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, Map.of());
	}
}
