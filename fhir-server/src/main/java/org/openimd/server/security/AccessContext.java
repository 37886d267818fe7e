package org.openimd.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
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
 * through their scopes; a reviewer reaches their review assignments instead ({@link ReviewerReach}).
 * A system token (SMART Backend Services) reaches every patient its scopes name,
 * unless the system acts for an organisation: a pharmacy's system reaches what the pharmacy's
 * pharmacists do.
 */
public final class AccessContext {

	/**
	 * One scope of the token and how far it reaches.
	 *
	 * @param patients the ids of the patients it reaches; ignored when {@code everyPatient}
	 * @param resourceTypes the types the caller's role allows it at all; empty for no such limit
	 */
	public record Grant(SmartScope scope, boolean everyPatient, Set<String> patients, Set<String> resourceTypes) {

		/** Whether the grant reaches only the pump data among devices, prescriptions and dispenses (a pharmacy's). */
		public boolean pumpDataOnly() {
			return resourceTypes.equals(PHARMACY_TYPES);
		}

		/** Whether this grant permits {@code theInteraction} on resources of {@code theType}. */
		public boolean permits(String theType, char theInteraction) {
			return scope.permits(theInteraction) && (scope.anyResourceType() || scope.resourceType().equals(theType))
					&& (resourceTypes.isEmpty() || resourceTypes.contains(theType));
		}

		public boolean reachesSomeone() {
			return everyPatient || !patients.isEmpty();
		}
	}

	/** What a pharmacist's role lets them see of their patients: the pump, its prescriptions and dispenses ({@link PumpDataOnly}). */
	static final Set<String> PHARMACY_TYPES = Set.of("Patient", "Device", "Medication", "MedicationRequest", "MedicationDispense");

	private static final Set<Role> PRESCRIBING_ROLES = Set.of(Role.CLINICIAN, Role.PHARMACIST, Role.ADMIN);
	static final String MEDICATION_REQUEST = "MedicationRequest";
	private static final String USER_DATA_KEY = AccessContext.class.getName();

	private final Optional<Jwt> myToken;
	private final boolean myForThisServer;
	private final Optional<Role> myPolicy;
	private final List<Grant> myGrants;

	private AccessContext(Optional<Jwt> theToken, boolean theForThisServer, Optional<Role> thePolicy, List<Grant> theGrants) {
		myToken = theToken;
		myForThisServer = theForThisServer;
		myPolicy = thePolicy;
		myGrants = theGrants;
	}

	/** The access of this request's bearer token, computed on first use. */
	public static AccessContext of(RequestDetails theRequest, CareRelationships theCare) {
		return (AccessContext) theRequest.getUserData().computeIfAbsent(USER_DATA_KEY, key -> compute(theRequest, theCare));
	}

	/**
	 * The access {@code theToken} has now, for work done later on its behalf without a request of its
	 * own (a subscription's notification): the care relationships are those of today, not of when the
	 * token was used.
	 */
	static AccessContext standing(RequestDetails theRequest, Jwt theToken, CareRelationships theCare) {
		AccessContext access = compute(theRequest, theToken, theCare);
		theRequest.getUserData().put(USER_DATA_KEY, access);
		return access;
	}

	private static AccessContext compute(RequestDetails theRequest, CareRelationships theCare) {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (!(authentication instanceof JwtAuthenticationToken jwt)) {
			return new AccessContext(Optional.empty(), false, Optional.empty(), List.of());
		}
		return compute(theRequest, jwt.getToken(), theCare);
	}

	private static AccessContext compute(RequestDetails theRequest, Jwt theToken, CareRelationships theCare) {
		boolean forThisServer = theToken.getAudience() != null && theToken.getAudience().contains(theRequest.getFhirServerBase());
		Optional<Role> person = role(theToken, SmartClaims.ROLE);
		Optional<Role> policy = person.or(() -> role(theToken, SmartClaims.ACTS_AS));
		// One care-team lookup per request, whatever the number of scopes.
		Optional<Set<String>> reachable = policy.flatMap(role -> theCare.reachableBy(role,
				theToken.getClaimAsString(SmartClaims.FHIR_USER), theToken.getClaimAsString(SmartClaims.ORGANIZATION)));
		Set<String> types = policy.filter(Role.PHARMACIST::equals).isPresent() ? PHARMACY_TYPES : Set.of();
		List<Grant> grants = new ArrayList<>();
		List<String> scopes = Optional.ofNullable(theToken.getClaimAsStringList("scope")).orElse(List.of());
		for (SmartScope scope : SmartScope.parseAll(scopes)) {
			grant(scope, theToken, person.isPresent(), reachable.orElse(null), types).ifPresent(grants::add);
		}
		return new AccessContext(Optional.of(theToken), forThisServer, policy, List.copyOf(grants));
	}

	private static Optional<Role> role(Jwt theToken, String theClaim) {
		return Optional.ofNullable(theToken.getClaimAsString(theClaim)).map(name -> Role.valueOf(name.toUpperCase(Locale.ROOT)));
	}

	/**
	 * @param thePerson whether a person's app holds the token (a system's otherwise)
	 * @param theReachable the patients the token's role policy reaches; null for every patient, and when no policy limits it
	 * @param theTypes the resource types the policy allows at all; empty for no such limit
	 */
	private static Optional<Grant> grant(SmartScope theScope, Jwt theToken, boolean thePerson, Set<String> theReachable, Set<String> theTypes) {
		if (theScope.filter().isPresent() && theScope.anyResourceType()) {
			// A filter's search parameters belong to one resource type; on every type it means nothing certain.
			return Optional.empty();
		}
		boolean system = theScope.context().equals("system");
		if (system == thePerson) {
			// system/ scopes are for systems, user/ and patient/ scopes for persons.
			return Optional.empty();
		}
		if (system || theScope.context().equals("user")) {
			return Optional.of(theReachable == null
					? new Grant(theScope, true, Set.of(), theTypes)
					: new Grant(theScope, false, theReachable, theTypes));
		}
		// patient/ scopes reach the patient in context, and only one the person may see anyway.
		String inContext = theToken.getClaimAsString(SmartClaims.PATIENT);
		boolean allowed = inContext != null && (theReachable == null || theReachable.contains(inContext));
		return Optional.of(new Grant(theScope, false, allowed ? Set.of(inContext) : Set.of(), theTypes));
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

	/**
	 * The role whose policy limits this token: a person's own, or the one a system acting for an
	 * organisation was registered with. Empty for a system that reaches every patient its scopes name.
	 */
	public Optional<Role> policy() {
		return myPolicy;
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

	/**
	 * Whether the prescribing checks and calculators are for this token: a clinician's, a pharmacist's,
	 * an administrator's or a system's, with a scope on MedicationRequest. Patients, manufacturers and
	 * reviewers do not prescribe.
	 */
	public boolean mayUsePrescribingTools() {
		return mayPrescribe(myPolicy, interaction -> permits(MEDICATION_REQUEST, interaction));
	}

	/**
	 * The same, for a role policy and whatever says which interactions on MedicationRequest are granted
	 * (a token's grants, a registered client's scopes).
	 */
	static boolean mayPrescribe(Optional<Role> thePolicy, Predicate<Character> thePermitsOnMedicationRequest) {
		return thePolicy.map(PRESCRIBING_ROLES::contains).orElse(true)
				&& (thePermitsOnMedicationRequest.test('c') || thePermitsOnMedicationRequest.test('r') || thePermitsOnMedicationRequest.test('u'));
	}

	/**
	 * The Organization a manufacturer's token acts for, when its scopes name Device: what its
	 * de-identified export of the devices that organisation made is for. A manufacturer reaches no
	 * patient through the API itself.
	 */
	public Optional<String> manufacturer() {
		boolean devices = myGrants.stream().anyMatch(grant -> grant.permits("Device", 'r') || grant.permits("Device", 's'));
		return myPolicy.filter(Role.MANUFACTURER::equals).filter(role -> devices)
				.flatMap(role -> myToken.map(token -> token.getClaimAsString(SmartClaims.ORGANIZATION)));
	}

	/**
	 * Whether a scope names {@code theType} for {@code theInteraction}, whoever the token reaches: for what
	 * belongs to the caller rather than to a patient ({@link OwnedResources}).
	 */
	public boolean scopeNames(String theType, char theInteraction) {
		return myGrants.stream().map(Grant::scope)
				.anyMatch(scope -> scope.permits(theInteraction) && (scope.anyResourceType() || scope.resourceType().equals(theType)));
	}

	/** Whether the token carries {@code theScope} as granted, such as one of OpenIMD's own ({@link ApiScopes}). */
	public boolean hasScope(String theScope) {
		return myToken.map(token -> Optional.ofNullable(token.getClaimAsStringList("scope")).orElse(List.of()).contains(theScope)).orElse(false);
	}

	public boolean permits(String theType, char theInteraction) {
		return myGrants.stream().anyMatch(grant -> (grant.reachesSomeone() || reviewerType(theType)) && grant.permits(theType, theInteraction));
	}

	/**
	 * The reviewer behind a reviewer's token ({@code Practitioner/7}): whose assignments, copies and
	 * notices it reaches ({@link ReviewerReach}), instead of any patient.
	 */
	public Optional<String> reviewer() {
		return myPolicy.filter(Role.REVIEWER::equals).flatMap(role -> myToken.map(token -> token.getClaimAsString(SmartClaims.FHIR_USER)))
				.flatMap(fhirUser -> reference(fhirUser, "Practitioner")).map(id -> "Practitioner/" + id);
	}

	private boolean reviewerType(String theType) {
		return myPolicy.filter(Role.REVIEWER::equals).isPresent() && ReviewerReach.TYPES.contains(theType);
	}
}
