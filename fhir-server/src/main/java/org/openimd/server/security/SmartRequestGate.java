package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IIdType;
import org.openimd.server.security.login.Role;

/**
 * What HAPI's authorization rules cannot see, checked before a request is handled:
 * <ul>
 *   <li>SMART v2 tells read ({@code r}) from search ({@code s}); HAPI's read rule allows both.
 *   <li>The search criteria of a token limited to some patients by a role (a person's, a pharmacy
 *       system's) could reveal other patients' data though the results are limited
 *       ({@code Patient?_has:Observation:patient:code=…}): reverse chains, chains, {@code _filter},
 *       {@code _contained}, GraphQL, and history beyond one resource are refused to such tokens.
 *   <li>Device and Task searches are narrowed to the reachable patients' implants and tasks, which
 *       HAPI's search narrowing misses because both are outside R4's Patient compartment.
 *   <li>A reviewer's searches find only their own assignments, copies and notices.
 *   <li>The audit trail is for administrators and systems: AuditEvents name the patients they are
 *       about, so they sit in the Patient compartment, but a patient's or clinician's token may not
 *       read them, include them, or get them from {@code $everything}.
 * </ul>
 */
public class SmartRequestGate {

	private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.HISTORY_INSTANCE);
	private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.HISTORY_TYPE);
	private static final Set<RestOperationTypeEnum> NOT_FOR_LIMITED_TOKENS = Set.of(RestOperationTypeEnum.HISTORY_SYSTEM,
			RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GRAPHQL_REQUEST);
	private static final Set<String> PARAMETERS_NOT_FOR_LIMITED_TOKENS = Set.of("_filter", "_contained", "_containedType", "_query", "_graphql");
	private static final String AUDIT_EVENT = "AuditEvent";
	private static final String NOTHING_ASSIGNED = "openimd-nothing-assigned";
	/** Types a patient's data includes that R4 leaves out of the Patient compartment, each with its {@code patient} search parameter. */
	private static final Set<String> OUTSIDE_R4_PATIENT_COMPARTMENT = Set.of("Device", "Task");

	private final CareRelationships myCare;
	private final ReviewerReach myReviewers;

	public SmartRequestGate(CareRelationships theCare, ReviewerReach theReviewers) {
		myCare = theCare;
		myReviewers = theReviewers;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void check(RequestDetails theRequest) {
		RestOperationTypeEnum operation = theRequest.getRestOperationType();
		if (operation == null || operation == RestOperationTypeEnum.METADATA) {
			return;
		}
		AccessContext access = AccessContext.of(theRequest, myCare);
		String type = theRequest.getResourceName();
		if (READS.contains(operation) && !access.permits(type, 'r')) {
			throw new ForbiddenOperationException("no scope of the access token permits reading " + type + " by id");
		}
		if (SEARCHES.contains(operation) && !access.permits(type, 's')) {
			throw new ForbiddenOperationException("no scope of the access token permits searching " + type);
		}
		if (access.policy().isPresent()) {
			checkLimitedRequest(theRequest, operation);
			if (access.policy().filter(Role.ADMIN::equals).isEmpty()) {
				keepAuditTrailOut(theRequest);
			}
			access.patientLimit().ifPresent(patients -> narrowSearchOutsideCompartment(theRequest, operation, patients));
			access.reviewer().ifPresent(reviewer -> narrowReviewerSearch(theRequest, operation, reviewer));
		}
	}

	private static void checkLimitedRequest(RequestDetails theRequest, RestOperationTypeEnum theOperation) {
		if (NOT_FOR_LIMITED_TOKENS.contains(theOperation) || "$graphql".equals(theRequest.getOperation())) {
			throw new ForbiddenOperationException(theOperation.getCode() + " is not available to tokens limited by a role");
		}
		for (String parameter : theRequest.getParameters().keySet()) {
			String name = parameter.contains(":") ? parameter.substring(0, parameter.indexOf(':')) : parameter;
			if (name.startsWith("_has") || name.contains(".") || PARAMETERS_NOT_FOR_LIMITED_TOKENS.contains(name)) {
				throw new ForbiddenOperationException("the search parameter " + parameter + " is not available to tokens limited by a role");
			}
		}
	}

	private static void keepAuditTrailOut(RequestDetails theRequest) {
		if (AUDIT_EVENT.equals(theRequest.getResourceName())) {
			throw new ForbiddenOperationException("the audit trail is for administrators");
		}
		theRequest.getParameters().forEach((name, values) -> {
			if (name.startsWith("_include") || name.startsWith("_revinclude")) {
				for (String value : values) {
					if (value.startsWith(AUDIT_EVENT + ":") || value.contains("*")) {
						throw new ForbiddenOperationException(name + "=" + value + " is not available to this token");
					}
				}
			}
		});
		if ("$everything".equals(theRequest.getOperation())) {
			String[] asked = theRequest.getParameters().get("_type");
			Set<String> types = asked == null
					? new TreeSet<>(theRequest.getFhirContext().getResourceTypes())
					: Arrays.stream(asked).flatMap(list -> Arrays.stream(list.split(","))).map(String::trim)
							.collect(Collectors.toCollection(TreeSet::new));
			types.remove(AUDIT_EVENT);
			Map<String, String[]> parameters = new HashMap<>(theRequest.getParameters());
			parameters.put("_type", new String[] {String.join(",", types)});
			theRequest.setParameters(parameters);
		}
	}

	/**
	 * A reviewer's searches find their own: their assignments and copies by id, the notices addressed
	 * to them.
	 */
	private void narrowReviewerSearch(RequestDetails theRequest, RestOperationTypeEnum theOperation, String theReviewer) {
		if (theOperation != RestOperationTypeEnum.SEARCH_TYPE) {
			return;
		}
		String type = theRequest.getResourceName();
		Map<String, String[]> parameters = new HashMap<>(theRequest.getParameters());
		if ("Communication".equals(type)) {
			parameters.put("recipient", new String[] {theReviewer});
		} else if ("Task".equals(type) || "Bundle".equals(type)) {
			List<String> ids = ReviewerAssignments.ofType(ReviewerAssignments.of(theRequest, myReviewers, theReviewer), type).stream()
					.map(IIdType::getIdPart).toList();
			// No assignment: an id no resource has, so that the search finds nothing rather than another's.
			parameters.put("_id", new String[] {ids.isEmpty() ? NOTHING_ASSIGNED : String.join(",", ids)});
		}
		theRequest.setParameters(parameters);
	}

	private static void narrowSearchOutsideCompartment(RequestDetails theRequest, RestOperationTypeEnum theOperation, Set<String> thePatients) {
		if (theOperation != RestOperationTypeEnum.SEARCH_TYPE || !OUTSIDE_R4_PATIENT_COMPARTMENT.contains(theRequest.getResourceName())
				|| theRequest.getParameters().containsKey("patient") || thePatients.isEmpty()) {
			return;
		}
		Map<String, String[]> parameters = new HashMap<>(theRequest.getParameters());
		parameters.put("patient", new String[] {thePatients.stream().map(id -> "Patient/" + id).collect(Collectors.joining(","))});
		theRequest.setParameters(parameters);
	}
}
