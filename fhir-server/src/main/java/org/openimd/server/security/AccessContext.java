package org.openimd.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.openimd.server.security.login.Role;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Who calls the FHIR API and what their token reaches, worked out once per request: each SMART
 * resource scope of the token, with the patients whose data it may touch. Scopes only delegate, so a
 * person's scopes reach no further than their role: a patient their own record, a clinician the
 * patients of their care teams, a pharmacist the patients their pharmacy serves (and only the pump
 * resource types), an administrator everyone. Manufacturers and reviewers reach no patient data
 * through their scopes. A system token (SMART Backend Services) reaches every patient its scopes name.
 */
public final class AccessContext {

	/**
	 * One scope of the token and how far it reaches.
	 *
	 * @param patients the ids of the patients it reaches; ignored when {@code everyPatient}
	 * @param resourceTypes the types the caller's role allows it at all; empty for no such limit
	 */
	public record Grant(SmartScope scope, boolean everyPatient, Set<String> patients, Set<String> resourceTypes) {

		/** Whether this grant permits {@code theInteraction} on resources of {@code theType}. */
		public boolean permits(String theType, char theInteraction) {
			return scope.permits(theInteraction) && (scope.anyResourceType() || scope.resourceType().equals(theType))
					&& (resourceTypes.isEmpty() || resourceTypes.contains(theType));
		}

		public boolean reachesSomeone() {
			return everyPatient || !patients.isEmpty();
		}
	}

	/** What a pharmacist's role lets them see of their patients: the pump, its prescriptions and dispenses. */
	static final Set<String> PHARMACY_TYPES = Set.of("Patient", "Device", "Medication", "MedicationRequest", "MedicationDispense");

	private static final String USER_DATA_KEY = AccessContext.class.getName();

	private final Optional<Jwt> myToken;
	private final boolean myForThisServer;
	private final Optional<Role> myRole;
	private final List<Grant> myGrants;

	private AccessContext(Optional<Jwt> theToken, boolean theForThisServer, Optional<Role> theRole, List<Grant> theGrants) {
		myToken = theToken;
		myForThisServer = theForThisServer;
		myRole = theRole;
		myGrants = theGrants;
	}

	/** The access of this request's bearer token, computed on first use. */
	public static AccessContext of(RequestDetails theRequest, CareRelationships theCare) {
		return (AccessContext) theRequest.getUserData().computeIfAbsent(USER_DATA_KEY, key -> compute(theRequest, theCare));
	}

	private static AccessContext compute(RequestDetails theRequest, CareRelationships theCare) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof JwtAuthenticationToken jwt)) {
			return new AccessContext(Optional.empty(), false, Optional.empty(), List.of());
		}
		Jwt token = jwt.getToken();
		boolean forThisServer = token.getAudience() != null && token.getAudience().contains(theRequest.getFhirServerBase());
		Optional<Role> role = Optional.ofNullable(token.getClaimAsString(SmartClaims.ROLE))
				.map(name -> Role.valueOf(name.toUpperCase(Locale.ROOT)));
		// One care-team lookup per request, whatever the number of scopes.
		Optional<Set<String>> reachable = role.flatMap(person -> theCare.reachableBy(person,
				token.getClaimAsString(SmartClaims.FHIR_USER), token.getClaimAsString(SmartClaims.ORGANIZATION)));
		List<Grant> grants = new ArrayList<>();
		List<String> scopes = Optional.ofNullable(token.getClaimAsStringList("scope")).orElse(List.of());
		for (SmartScope scope : SmartScope.parseAll(scopes)) {
			grant(scope, token, role, reachable.orElse(null)).ifPresent(grants::add);
		}
		return new AccessContext(Optional.of(token), forThisServer, role, List.copyOf(grants));
	}

	/** @param theReachable the patients the person's role reaches; null for every patient */
	private static Optional<Grant> grant(SmartScope theScope, Jwt theToken, Optional<Role> theRole, Set<String> theReachable) {
		if (theScope.filter().isPresent() && theScope.anyResourceType()) {
			// A filter's search parameters belong to one resource type; on every type it means nothing certain.
			return Optional.empty();
		}
		if (theScope.context().equals("system")) {
			return theRole.isEmpty() ? Optional.of(new Grant(theScope, true, Set.of(), Set.of())) : Optional.empty();
		}
		if (theRole.isEmpty()) {
			return Optional.empty();
		}
		Set<String> types = theRole.get() == Role.PHARMACIST ? PHARMACY_TYPES : Set.of();
		if (theScope.context().equals("user")) {
			return Optional.of(theReachable == null
					? new Grant(theScope, true, Set.of(), types)
					: new Grant(theScope, false, theReachable, types));
		}
		// patient/ scopes reach the patient in context, and only one the person may see anyway.
		String inContext = theToken.getClaimAsString(SmartClaims.PATIENT);
		boolean allowed = inContext != null && (theReachable == null || theReachable.contains(inContext));
		return Optional.of(new Grant(theScope, false, allowed ? Set.of(inContext) : Set.of(), types));
	}

	/** The id of {@code theUrl} when it names a resource of {@code theType} ({@code …/Patient/12} → 12). */
	static Optional<String> reference(String theUrl, String theType) {
		if (theUrl == null) {
			return Optional.empty();
		}
		String[] parts = theUrl.split("/");
		return parts.length >= 2 && parts[parts.length - 2].equals(theType) ? Optional.of(parts[parts.length - 1]) : Optional.empty();
	}

	/** Whether the token was issued for this FHIR server ({@code aud}). */
	public boolean forThisServer() {
		return myForThisServer;
	}

	public Optional<Jwt> token() {
		return myToken;
	}

	/** A person's token (from an app they launched), rather than a system's. */
	public boolean isPerson() {
		return myRole.isPresent();
	}

	public Optional<Role> role() {
		return myRole;
	}

	public List<Grant> grants() {
		return myGrants;
	}

	/** The patients some grant reaches, when no grant reaches every patient; empty when one does. */
	public Optional<Set<String>> patientLimit() {
		if (myGrants.stream().anyMatch(Grant::everyPatient)) {
			return Optional.empty();
		}
		return Optional.of(myGrants.stream().flatMap(grant -> grant.patients().stream()).collect(Collectors.toCollection(TreeSet::new)));
	}

	public boolean permits(String theType, char theInteraction) {
		return myGrants.stream().anyMatch(grant -> grant.reachesSomeone() && grant.permits(theType, theInteraction));
	}
}
