package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.Set;

/**
 * What HAPI's authorization rules cannot see of a request's kind, checked just before it is handled:
 * for a request on its own and for every GET entry of a batch or transaction alike, since HAPI calls
 * this pointcut for both.
 * <ul>
 *   <li>SMART v2 tells read ({@code r}) from search ({@code s}); HAPI's read rule allows both.
 *   <li>A token limited to some patients by a role (a person's, a pharmacy system's) gets no history
 *       beyond one resource, no system-wide search and no GraphQL: each answers across patients.
 * </ul>
 * What a search may ask and finds is {@link SearchGate}'s.
 */
public class SmartRequestGate {

	private static final Set<RestOperationTypeEnum> READS = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.HISTORY_INSTANCE);
	private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.HISTORY_TYPE);
	private static final Set<RestOperationTypeEnum> NOT_FOR_LIMITED_TOKENS = Set.of(RestOperationTypeEnum.HISTORY_SYSTEM,
			RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GRAPHQL_REQUEST);

	private final CareRelationships myCare;
	private final Set<String> myOwnedTypes;

	public SmartRequestGate(CareRelationships theCare, Set<String> theOwnedTypes) {
		myCare = theCare;
		myOwnedTypes = theOwnedTypes;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void check(RequestDetails theRequest, RestOperationTypeEnum theOperation) {
		if (theOperation == null || theOperation == RestOperationTypeEnum.METADATA) {
			return;
		}
		AccessContext access = AccessContext.of(theRequest, myCare);
		String type = theRequest.getResourceName();
		// An export file is read by the client it was written for, whatever its scopes name (Bulk Data
		// Access); the rules check that, and hold any other Binary to the scopes.
		boolean exportFile = theOperation == RestOperationTypeEnum.READ && "Binary".equals(type);
		if (READS.contains(theOperation) && !exportFile && !permits(access, type, 'r')) {
			throw new ForbiddenOperationException("no scope of the access token permits reading " + type + " by id");
		}
		if (SEARCHES.contains(theOperation) && !permits(access, type, 's')) {
			throw new ForbiddenOperationException("no scope of the access token permits searching " + type);
		}
		if (access.policy().isPresent()
				&& (NOT_FOR_LIMITED_TOKENS.contains(theOperation) || "$graphql".equals(theRequest.getOperation()))) {
			throw new ForbiddenOperationException(theOperation.getCode() + " is not available to tokens limited by a role");
		}
	}

	/** What belongs to the caller ({@link OwnedResources}) is theirs whichever patients they reach, even none. */
	private boolean permits(AccessContext theAccess, String theType, char theInteraction) {
		return myOwnedTypes.contains(theType) ? theAccess.scopeNames(theType, theInteraction) : theAccess.permits(theType, theInteraction);
	}
}
