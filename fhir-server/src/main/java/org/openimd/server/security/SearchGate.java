package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.util.UrlUtil;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Every search a client runs, on its own or as a GET entry of a batch or transaction:
 * <ul>
 *   <li>is narrowed to what the token reaches where HAPI's search narrowing cannot: Devices and Tasks
 *       (outside R4's Patient compartment) to the reachable patients', a reviewer's to their own
 *       assignments, copies and notices, a token of granular scopes to what their parameters match;
 *       so the results, the total and every page hold only what the token reaches. Like HAPI's
 *       narrowing, it rewrites the request's parameters, or each entry's URL, before the
 *       authorization rules look at them;
 *   <li>may use, for a token limited to some patients, only the plain search forms, judged on the
 *       search as HAPI parsed it ({@link SearchForms}), whichever way it came in (an operation that
 *       searches as the caller included);
 *   <li>has its owner recorded, and a page of it ({@code _getpages}) is served to that owner only.
 * </ul>
 * HAPI's reuse of cached search results stays off ({@code FhirJpaConfig}): a cached search would be
 * served to whoever asks the same question.
 */
public class SearchGate {

	/** Types a patient's data includes that R4 leaves out of the Patient compartment, each with its {@code patient} search parameter. */
	private static final Set<String> OUTSIDE_R4_PATIENT_COMPARTMENT = Set.of("Device", "Task");
	private static final String NOTHING_ASSIGNED = "openimd-nothing-assigned";

	private final CareRelationships myCare;
	private final ReviewerReach myReviewers;
	private final SearchOwners myOwners;

	SearchGate(CareRelationships theCare, ReviewerReach theReviewers, SearchOwners theOwners) {
		myCare = theCare;
		myReviewers = theReviewers;
		myOwners = theOwners;
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
	public void narrowSearch(RequestDetails theRequest) {
		if (theRequest.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE) {
			theRequest.setParameters(narrowed(theRequest, theRequest.getResourceName(), theRequest.getParameters()));
		}
	}

	@Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
	public void preHandled(RequestDetails theRequest, RestOperationTypeEnum theOperation) {
		if (theOperation == RestOperationTypeEnum.GET_PAGE) {
			String[] search = theRequest.getParameters().get(Constants.PARAM_PAGINGACTION);
			myOwners.refuseUnlessOwnedBy(search == null || search.length == 0 ? "" : search[0], AccessContext.of(theRequest, myCare).token());
		} else if ((theOperation == RestOperationTypeEnum.BATCH || theOperation == RestOperationTypeEnum.TRANSACTION)
				&& theRequest.getResource() instanceof Bundle bundle) {
			List<Bundle.BundleEntryRequestComponent> reads = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getRequest)
					.filter(request -> request.getMethod() == Bundle.HTTPVerb.GET && request.hasUrl()).toList();
			if (reads.stream().anyMatch(request -> request.getUrl().contains(Constants.PARAM_PAGINGACTION + "="))) {
				// HAPI cannot serve a page inside a batch (it fails with a 500); a page is fetched on its own, where its owner is checked.
				throw new InvalidRequestException("a page of search results (" + Constants.PARAM_PAGINGACTION
						+ ") is fetched on its own, not as an entry of a " + theOperation.getCode());
			}
			reads.forEach(request -> request.setUrl(narrowedEntryUrl(theRequest, request.getUrl())));
		}
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void searching(RequestDetails theRequest, SearchParameterMap theSearch, ICachedSearchDetails theDetails) {
		if (theRequest == null || theRequest instanceof SystemRequestDetails) {
			// The server's own searches (care teams, review groups, index rebuilds) are not a client's.
			return;
		}
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (access.policy().isPresent() && theSearch.getEverythingMode() == null) {
			SearchForms.refuseAllButPlainForms(theSearch);
		}
		if (theDetails.getUuid() != null && !theSearch.isLoadSynchronous() && theSearch.getLoadSynchronousUpTo() == null
				&& !new CacheControlDirective().parse(theRequest.getHeaders(Constants.HEADER_CACHE_CONTROL)).isNoStore()) {
			// Only a search HAPI keeps (not a synchronous one, such as a conditional write's match or one asked
			// for with Cache-Control: no-store) can have later pages.
			access.token().ifPresent(token -> myOwners.record(theDetails.getUuid(), token));
		}
	}

	/** A search entry's URL ({@code Device?status=active}), narrowed as the same search alone would be. */
	private String narrowedEntryUrl(RequestDetails theRequest, String theUrl) {
		if (!PatientSearchNarrowing.isSearch(theUrl)) {
			return theUrl;
		}
		int query = theUrl.indexOf('?');
		String path = query < 0 ? theUrl : theUrl.substring(0, query);
		Map<String, String[]> parameters = query < 0 ? Map.of() : UrlUtil.parseQueryString(theUrl.substring(query + 1));
		Map<String, String[]> narrowed = narrowed(theRequest, path, parameters);
		if (narrowed.equals(parameters)) {
			return theUrl;
		}
		List<String> pairs = new ArrayList<>();
		narrowed.forEach((name, values) -> Stream.of(values).forEach(value -> pairs.add(UrlUtil.escapeUrlParam(name) + "=" + UrlUtil.escapeUrlParam(value))));
		return path + "?" + String.join("&", pairs);
	}

	private Map<String, String[]> narrowed(RequestDetails theRequest, String theType, Map<String, String[]> theParameters) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		Map<String, String[]> parameters = new HashMap<>(theParameters);
		if (access.policy().isPresent()) {
			access.patientLimit().ifPresent(patients -> narrowOutsideCompartment(parameters, theType, patients));
			access.reviewer().ifPresent(reviewer -> narrowToReviewer(theRequest, parameters, theType, reviewer));
		}
		narrowToGranularScopes(parameters, theType, access);
		return parameters;
	}

	private static void narrowOutsideCompartment(Map<String, String[]> theParameters, String theType, Set<String> thePatients) {
		if (!OUTSIDE_R4_PATIENT_COMPARTMENT.contains(theType) || theParameters.containsKey("patient") || thePatients.isEmpty()) {
			// A search naming a patient, or by a token that reaches none (a reviewer's), is left to the authorization rules.
			return;
		}
		theParameters.put("patient", new String[] {thePatients.stream().map(id -> "Patient/" + id).sorted().collect(Collectors.joining(","))});
	}

	private void narrowToReviewer(RequestDetails theRequest, Map<String, String[]> theParameters, String theType, String theReviewer) {
		if ("Communication".equals(theType)) {
			theParameters.put("recipient", new String[] {theReviewer});
		} else if ("Task".equals(theType) || "Bundle".equals(theType)) {
			List<String> ids = ReviewerAssignments.ofType(ReviewerAssignments.of(theRequest, myReviewers, theReviewer), theType).stream()
					.map(IIdType::getIdPart).toList();
			theParameters.put("_id", new String[] {ids.isEmpty() ? NOTHING_ASSIGNED : String.join(",", ids)});
		}
	}

	/**
	 * A search allowed only by granular scopes ({@code patient/Observation.rs?category=…|laboratory})
	 * gets their search parameters. Several filters on one parameter become one list of alternatives,
	 * since scopes combine as a union; filters on different parameters cannot be joined in one search,
	 * and such a search is refused. A search that any unfiltered scope allows is left alone.
	 */
	private static void narrowToGranularScopes(Map<String, String[]> theParameters, String theType, AccessContext theAccess) {
		List<SmartScope> searching = theAccess.grants().stream()
				.filter(grant -> grant.reachesSomeone() && grant.permits(theType, 's'))
				.map(AccessContext.Grant::scope)
				.toList();
		if (searching.isEmpty() || searching.stream().anyMatch(scope -> scope.filter().isEmpty())) {
			return;
		}
		List<List<Map.Entry<String, String>>> filters = searching.stream().map(SmartScope::filterParameters).distinct().toList();
		if (filters.size() == 1) {
			filters.get(0).forEach(parameter -> and(theParameters, parameter.getKey(), parameter.getValue()));
		} else if (filters.stream().allMatch(filter -> filter.size() == 1)
				&& filters.stream().map(filter -> filter.get(0).getKey()).distinct().count() == 1) {
			and(theParameters, filters.get(0).get(0).getKey(),
					filters.stream().map(filter -> filter.get(0).getValue()).collect(Collectors.joining(",")));
		} else {
			throw new ForbiddenOperationException("the granular scopes of this token on " + theType
					+ " filter on different search parameters; search under one of them at a time");
		}
	}

	private static void and(Map<String, String[]> theParameters, String theName, String theValue) {
		String[] present = theParameters.getOrDefault(theName, new String[0]);
		theParameters.put(theName, Stream.concat(Stream.of(present), Stream.of(theValue)).toArray(String[]::new));
	}
}
