package org.openimd.server.security;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openimd.server.security.login.Role;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.AuthenticationManagerResolver;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Trusting a CDS client as CDS Hooks asks: it signs each request itself with a JWT whose {@code sub}
 * is its {@code client_id} here and whose {@code aud} is the service's URL. The client must be a
 * registered system client (SMART Backend Services), and the JWT is held to the same rules as that
 * client's assertions at the token endpoint: its registered keys, RS384 or ES384, at most five
 * minutes to live, a {@code jti} used once. {@code iss} names the client's FHIR server, which nothing
 * here relies on.
 *
 * <p>What the client may then call follows from its registration: {@link #PRESCRIBING_SYSTEM} when its
 * scopes reach MedicationRequest and no non-prescribing role (a manufacturer's) limits it, as for
 * {@code $check-pump-prescription}.
 */
class CdsClientAuthentication implements AuthenticationManagerResolver<HttpServletRequest> {

	static final String PRESCRIBING_SYSTEM = "CDS_PRESCRIBING_SYSTEM";

	private final RegisteredClientRepository myClients;
	private final ClientAssertionDecoders myDecoders;

	CdsClientAuthentication(RegisteredClientRepository theClients, ClientAssertionDecoders theDecoders) {
		myClients = theClients;
		myDecoders = theDecoders;
	}

	@Override
	public AuthenticationManager resolve(HttpServletRequest theRequest) {
		String service = theRequest.getRequestURL().toString();
		return authentication -> {
			String token = ((BearerTokenAuthenticationToken) authentication).getToken();
			RegisteredClient client = Optional.ofNullable(subject(token)).map(myClients::findByClientId)
					.filter(registered -> registered.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.PRIVATE_KEY_JWT))
					.orElseThrow(() -> new InvalidBearerTokenException("the JWT's sub is not a registered system client"));
			Jwt jwt;
			try {
				jwt = myDecoders.decoder(client, (registered, claims) -> addressedTo(service, claims)).decode(token);
			} catch (JwtException e) {
				throw new InvalidBearerTokenException(e.getMessage(), e);
			}
			List<GrantedAuthority> authorities = mayPrescribe(client) ? List.of(new SimpleGrantedAuthority(PRESCRIBING_SYSTEM)) : List.of();
			return new JwtAuthenticationToken(jwt, authorities, client.getClientId());
		};
	}

	private static String subject(String theToken) {
		try {
			return JWTParser.parse(theToken).getJWTClaimsSet().getSubject();
		} catch (ParseException e) {
			throw new InvalidBearerTokenException("the bearer token is not a JWT");
		}
	}

	private static String addressedTo(String theService, Jwt theJwt) {
		if (theJwt.getAudience() == null || !theJwt.getAudience().contains(theService)) {
			return "aud must be the CDS service " + theService;
		}
		String issuer = theJwt.getClaimAsString("iss");
		return issuer == null || issuer.isBlank() ? "iss is required" : null;
	}

	private static boolean mayPrescribe(RegisteredClient theClient) {
		Optional<Role> policy = Optional.ofNullable((String) theClient.getClientSettings().getSetting(SmartClaims.ACTS_AS))
				.map(role -> Role.valueOf(role.toUpperCase(Locale.ROOT)));
		List<SmartScope> scopes = SmartScope.parseAll(theClient.getScopes()).stream().filter(scope -> scope.context().equals("system")).toList();
		return AccessContext.mayPrescribe(policy, interaction -> scopes.stream().anyMatch(scope -> scope.permits(interaction)
				&& (scope.anyResourceType() || scope.resourceType().equals(AccessContext.MEDICATION_REQUEST))));
	}
}
