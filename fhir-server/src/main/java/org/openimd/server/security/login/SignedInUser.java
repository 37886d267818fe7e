package org.openimd.server.security.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The authentication of a person who passed both factors. It is made only of types Spring
 * Authorization Server can store with an authorization: a username, the role and the methods used
 * ({@code amr}) as authorities.
 */
public final class SignedInUser {

	private static final String AMR_PREFIX = "AMR_";

	private SignedInUser() {}

	static Authentication of(UserAccount theAccount, List<String> theMethods) {
		List<GrantedAuthority> authorities = new ArrayList<>();
		authorities.add(new SimpleGrantedAuthority(theAccount.role().authority()));
		theMethods.forEach(method -> authorities.add(new SimpleGrantedAuthority(AMR_PREFIX + method)));
		return UsernamePasswordAuthenticationToken.authenticated(theAccount.username(), null, authorities);
	}

	/** The authentication methods (RFC 8176) of a signed-in person. */
	public static List<String> methods(Authentication theAuthentication) {
		return theAuthentication.getAuthorities().stream()
				.map(GrantedAuthority::getAuthority)
				.filter(authority -> authority.startsWith(AMR_PREFIX))
				.map(authority -> authority.substring(AMR_PREFIX.length()))
				.toList();
	}

	public static Optional<Role> role(Authentication theAuthentication) {
		for (Role role : Role.values()) {
			if (theAuthentication.getAuthorities().stream().anyMatch(authority -> authority.getAuthority().equals(role.authority()))) {
				return Optional.of(role);
			}
		}
		return Optional.empty();
	}
}
