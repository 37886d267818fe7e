package org.openimd.server.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.openimd.server.security.login.Role;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;

/**
 * An external provider's access-token claims, renamed and reshaped into the ones OpenIMD's own
 * tokens carry ({@link SmartClaims}), so that everything after token validation reads one vocabulary.
 * A claim is always taken from where the provider is configured to put it: a token cannot smuggle
 * OpenIMD's own claim names past the mapping.
 */
class ExternalTokenClaims implements Converter<Map<String, Object>, Map<String, Object>> {

	static final String SCOPE = "scope";
	private static final String SCP = "scp";
	private static final Set<String> ROLE_NAMES =
			Arrays.stream(Role.values()).map(role -> role.name().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());

	private final AuthProperties.ClaimNames myNames;
	private final MappedJwtClaimSetConverter myStandardClaims = MappedJwtClaimSetConverter.withDefaults(Collections.emptyMap());

	ExternalTokenClaims(AuthProperties.ClaimNames theNames) {
		myNames = theNames;
	}

	@Override
	public Map<String, Object> convert(Map<String, Object> theClaims) {
		Map<String, Object> claims = new HashMap<>(myStandardClaims.convert(theClaims));
		move(theClaims, claims, myNames.patient(), SmartClaims.PATIENT, ExternalTokenClaims::patientId);
		move(theClaims, claims, myNames.fhirUser(), SmartClaims.FHIR_USER, Object::toString);
		move(theClaims, claims, myNames.role(), SmartClaims.ROLE, ExternalTokenClaims::role);
		move(theClaims, claims, myNames.actsAs(), SmartClaims.ACTS_AS, ExternalTokenClaims::role);
		move(theClaims, claims, myNames.organization(), SmartClaims.ORGANIZATION, Object::toString);
		move(theClaims, claims, myNames.amr(), SmartClaims.AMR, ExternalTokenClaims::list);
		String scopeClaim = theClaims.containsKey(myNames.scope()) ? myNames.scope() : SCP;
		move(theClaims, claims, scopeClaim, SCOPE, ExternalTokenClaims::list);
		return claims;
	}

	private static void move(Map<String, Object> theFrom, Map<String, Object> theTo, String theExternalName, String theName,
			UnaryOperator<Object> theReshape) {
		theTo.remove(theExternalName);
		theTo.remove(theName);
		Object value = theFrom.get(theExternalName);
		if (value != null) {
			theTo.put(theName, theReshape.apply(value));
		}
	}

	/** {@code Patient/12}, an absolute reference or a bare id, as SMART's {@code patient}: the id. */
	private static Object patientId(Object theValue) {
		String value = theValue.toString();
		return AccessContext.reference(value, "Patient").orElse(value);
	}

	/**
	 * A role name in lower case. From a list (identity providers often put every role a person has in
	 * one claim) the one that is an OpenIMD role; none or several stay a value no role has, which the
	 * token's validation refuses.
	 */
	private static Object role(Object theValue) {
		Collection<?> values = theValue instanceof Collection<?> collection ? collection : List.of(theValue);
		List<String> roles = values.stream().map(value -> value.toString().toLowerCase(Locale.ROOT)).filter(ROLE_NAMES::contains).toList();
		return roles.size() == 1 ? roles.get(0) : values.toString();
	}

	/** A space-separated string (OAuth's {@code scope}) or a JSON array, as a list. */
	private static Object list(Object theValue) {
		if (theValue instanceof Collection<?> collection) {
			return collection.stream().map(Object::toString).toList();
		}
		return Arrays.stream(theValue.toString().trim().split("\\s+")).filter(part -> !part.isEmpty()).toList();
	}

	/** Whether {@code theRole} (a converted claim) names one of OpenIMD's roles. */
	static boolean knownRole(String theRole) {
		return ROLE_NAMES.contains(theRole);
	}
}
