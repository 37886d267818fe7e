package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.server.security.login.Role;

/**
 * What a search, a page of one or an operation would return beyond the token's reach is left out of
 * the answer, rather than failing it whole: a resource brought in by {@code _include} or
 * {@code _revinclude} that belongs to another patient, an Observation of {@code $everything} outside
 * a granular scope's category. The decision is HAPI's authorization rules' own, taken before HAPI
 * checks the answer again (and would refuse it). Reads by id and writes are not filtered: the rules
 * refuse them. A total counts only what the token reaches: where a rule tests each resource in memory
 * (a pharmacy's pump data among a patient's devices), the database's count would count the rest too, so
 * such an answer carries no total rather than a wrong one.
 */
@Interceptor(order = AuthorizationConstants.ORDER_CONSENT_INTERCEPTOR)
public class OutOfScopeResources {

	private static final Set<RestOperationTypeEnum> PAGED = Set.of(RestOperationTypeEnum.SEARCH_TYPE, RestOperationTypeEnum.SEARCH_SYSTEM,
			RestOperationTypeEnum.GET_PAGE, RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.HISTORY_TYPE,
			RestOperationTypeEnum.HISTORY_SYSTEM);

	private static final Set<RestOperationTypeEnum> OPERATIONS = Set.of(RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);

	private static final Set<RestOperationTypeEnum> SEARCHES_OF_A_TYPE = Set.of(RestOperationTypeEnum.SEARCH_TYPE,
			RestOperationTypeEnum.HISTORY_TYPE);

	private final IRuleApplier myRules;
	private final CareRelationships myCare;
	private final Set<String> myOwnedTypes;

	public OutOfScopeResources(IRuleApplier theRules, CareRelationships theCare, Set<String> theOwnedTypes) {
		myRules = theRules;
		myCare = theCare;
		myOwnedTypes = theOwnedTypes;
	}

	/**
	 * Whether the token reads every resource of the searched type: a scope on every type that reaches
	 * every patient, unfiltered and unlimited by a role's types, and a type that is nobody's own
	 * ({@link OwnedResources}) and, unless the token is an administrator's or a system's for nobody, not
	 * the audit trail.
	 */
	private boolean nothingOfTheTypeIsOutOfReach(RequestDetails theRequest) {
		String type = theRequest.getResourceName();
		AccessContext access = AccessContext.of(theRequest, myCare);
		boolean readsEverything = access.grants().stream().anyMatch(grant -> grant.everyPatient() && grant.scope().anyResourceType()
				&& grant.scope().filter().isEmpty() && grant.resourceTypes().isEmpty() && (grant.scope().permits('r') || grant.scope().permits('s')));
		boolean auditTrailDenied = access.policy().filter(role -> role != Role.ADMIN).isPresent();
		return readsEverything && type != null && !myOwnedTypes.contains(type)
				&& !(auditTrailDenied && SmartAuthorizationInterceptor.AUDIT_EVENT.equals(type));
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void countOnlyWhatIsReached(RequestDetails theRequest, IBaseResource theResponse) {
		if (!(theResponse instanceof Bundle bundle) || bundle.getType() != Bundle.BundleType.SEARCHSET || !bundle.hasTotal()) {
			return;
		}
		Set<String> types = new TreeSet<>();
		if (theRequest.getResourceName() != null) {
			types.add(theRequest.getResourceName());
		}
		bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource).forEach(entry -> types.add(entry.getResource().fhirType()));
		boolean testedInMemory = AccessContext.of(theRequest, myCare).grants().stream()
				.anyMatch(grant -> grant.pumpDataOnly() && types.stream().anyMatch(PumpDataOnly.LIMITED_TYPES::contains));
		if (testedInMemory) {
			bundle.setTotalElement(null);
		}
	}

	/**
	 * A search's answer, judged page by page as HAPI is about to show it (its matches and includes, of a
	 * paged search or one answered at once, or a history's), never as its whole result set: HAPI asks
	 * {@code STORAGE_PREACCESS_RESOURCES} about every match as a search goes on loading them, which would
	 * have every one read and parsed, in one transaction, for a client paging through tens of thousands.
	 */
	@Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
	public void leaveOutOfPages(RequestDetails theRequest, IPreResourceShowDetails theResources) {
		RestOperationTypeEnum operation = theRequest.getRestOperationType();
		if (!PAGED.contains(operation) || SEARCHES_OF_A_TYPE.contains(operation) && nothingOfTheTypeIsOutOfReach(theRequest)) {
			// HAPI's rules still check every resource answered and refuse the answer should one be out of reach.
			return;
		}
		for (int index = 0; index < theResources.size(); index++) {
			IBaseResource resource = theResources.getResource(index);
			if (resource != null && outOfReach(theRequest, resource, Pointcut.STORAGE_PRESHOW_RESOURCES)) {
				theResources.setResource(index, null);
			}
		}
	}

	/**
	 * What an operation reads or searches as its caller, judged before HAPI loads it for the operation: a
	 * read of something out of reach then fails as one of something unknown (a resource dropped later would
	 * read as nothing), and {@code $everything} pages only what is within reach.
	 */
	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void leaveOutOfOperations(RequestDetails theRequest, IPreResourceAccessDetails theResources) {
		if (!OPERATIONS.contains(theRequest.getRestOperationType())) {
			return;
		}
		for (int index = 0; index < theResources.size(); index++) {
			if (outOfReach(theRequest, theResources.getResource(index), Pointcut.STORAGE_PREACCESS_RESOURCES)) {
				theResources.setDontReturnResourceAtIndex(index);
			}
		}
	}

	private boolean outOfReach(RequestDetails theRequest, IBaseResource theResource, Pointcut theStage) {
		return myRules.applyRulesAndReturnDecision(theRequest.getRestOperationType(), theRequest, null, null, theResource, theStage)
				.getDecision() != PolicyEnum.ALLOW;
	}
}
