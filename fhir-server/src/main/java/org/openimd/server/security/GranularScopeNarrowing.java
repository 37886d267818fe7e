package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A search allowed only by granular scopes ({@code patient/Observation.rs?category=…|laboratory}) is
 * run with their search parameters added, so it finds only what the scopes cover and its total and
 * pages are right. Several filters on the same parameter become one list of alternatives
 * ({@code category=…|laboratory,…|vital-signs}), since scopes combine as a union; filters on
 * different parameters cannot be joined in one search, and such a search is refused. A search that
 * any unfiltered scope allows is left alone.
 */
public class GranularScopeNarrowing {

	private final CareRelationships myCare;

	public GranularScopeNarrowing(CareRelationships theCare) {
		myCare = theCare;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrow(RequestDetails theRequest) {
		if (theRequest.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE) {
			return;
		}
		String type = theRequest.getResourceName();
		List<SmartScope> searching = AccessContext.of(theRequest, myCare).grants().stream()
				.filter(grant -> grant.reachesSomeone() && grant.permits(type, 's'))
				.map(AccessContext.Grant::scope)
				.toList();
		if (searching.isEmpty() || searching.stream().anyMatch(scope -> scope.filter().isEmpty())) {
			return;
		}
		List<List<Map.Entry<String, String>>> filters = searching.stream().map(SmartScope::filterParameters).distinct().toList();
		Map<String, String[]> parameters = new HashMap<>(theRequest.getParameters());
		if (filters.size() == 1) {
			filters.get(0).forEach(parameter -> and(parameters, parameter.getKey(), parameter.getValue()));
		} else if (filters.stream().allMatch(filter -> filter.size() == 1)
				&& filters.stream().map(filter -> filter.get(0).getKey()).distinct().count() == 1) {
			and(parameters, filters.get(0).get(0).getKey(),
					filters.stream().map(filter -> filter.get(0).getValue()).collect(Collectors.joining(",")));
		} else {
			throw new ForbiddenOperationException("the granular scopes of this token on " + type
					+ " filter on different search parameters; search under one of them at a time");
		}
		theRequest.setParameters(parameters);
	}

	private static void and(Map<String, String[]> theParameters, String theName, String theValue) {
		String[] present = theParameters.getOrDefault(theName, new String[0]);
		theParameters.put(theName, Stream.concat(Stream.of(present), Stream.of(theValue)).toArray(String[]::new));
	}
}
