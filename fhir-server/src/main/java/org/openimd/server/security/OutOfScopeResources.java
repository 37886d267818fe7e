package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.interceptor.auth.IRuleApplier;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import java.util.Set;

/**
 * What a search, a page of one or an operation would return beyond the token's reach is left out of
 * the answer, rather than failing it whole: a resource brought in by {@code _include} or
 * {@code _revinclude} that belongs to another patient, an Observation of {@code $everything} outside
 * a granular scope's category. The decision is HAPI's authorization rules' own, taken before HAPI
 * checks the answer again (and would refuse it). Reads by id and writes are not filtered: the rules
 * refuse them with 403, the same whether the resource exists or not.
 */
@Interceptor(order = AuthorizationConstants.ORDER_CONSENT_INTERCEPTOR)
public class OutOfScopeResources {

	private static final Set<RestOperationTypeEnum> ANSWERS_OF_MANY = Set.of(RestOperationTypeEnum.SEARCH_TYPE,
			RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE, RestOperationTypeEnum.HISTORY_INSTANCE,
			RestOperationTypeEnum.HISTORY_TYPE, RestOperationTypeEnum.HISTORY_SYSTEM, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
			RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);

	private final IRuleApplier myRules;

	public OutOfScopeResources(IRuleApplier theRules) {
		myRules = theRules;
	}

	@Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
	public void leaveOut(RequestDetails theRequest, IPreResourceAccessDetails theResources) {
		RestOperationTypeEnum operation = theRequest.getRestOperationType();
		if (!ANSWERS_OF_MANY.contains(operation)) {
			return;
		}
		for (int index = 0; index < theResources.size(); index++) {
			PolicyEnum decision = myRules.applyRulesAndReturnDecision(operation, theRequest, null, null, theResources.getResource(index),
					Pointcut.STORAGE_PREACCESS_RESOURCES).getDecision();
			if (decision != PolicyEnum.ALLOW) {
				theResources.setDontReturnResourceAtIndex(index);
			}
		}
	}
}
