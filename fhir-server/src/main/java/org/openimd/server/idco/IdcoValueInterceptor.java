package org.openimd.server.idco;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.SpecialParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.List;
import java.util.OptionalInt;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.server.fhir.ResourcePidSearch;
import org.openimd.server.fhir.StorageInterceptor;

/**
 * Keeps {@link IdcoValueIndex} in step with the IdcoObservations HAPI stores, and answers the
 * {@code idco-value} search parameter from it: before HAPI plans an Observation search, the
 * parameter is replaced by HAPI's keys of the Observations it matches (only as many as HAPI will show,
 * when that is all it asks), so paging, sorting, {@code _include}
 * and every other parameter keep working as HAPI implements them.
 */
@Interceptor
class IdcoValueInterceptor implements StorageInterceptor {

	private final IdcoValueIndex myIndex;
	private final int myMaxMatches;

	IdcoValueInterceptor(IdcoValueIndex theIndex, int theMaxMatches) {
		myIndex = theIndex;
		myMaxMatches = theMaxMatches;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	void created(IBaseResource theResource) {
		if (IdcoValueIndex.isIdcoObservation(theResource)) {
			myIndex.index((Observation) theResource);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	void updated(IBaseResource thePrevious, IBaseResource theResource) {
		if (IdcoValueIndex.isIdcoObservation(thePrevious) || IdcoValueIndex.isIdcoObservation(theResource)) {
			myIndex.remove(theResource.getIdElement().getIdPart());
		}
		if (IdcoValueIndex.isIdcoObservation(theResource)) {
			myIndex.index((Observation) theResource);
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	void deleted(IBaseResource theResource) {
		if (IdcoValueIndex.isIdcoObservation(theResource)) {
			myIndex.remove(theResource.getIdElement().getIdPart());
		}
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	void search(ICachedSearchDetails theSearch, SearchParameterMap theParameters, RequestDetails theRequest) {
		if (!"Observation".equals(theSearch.getResourceType()) || !theParameters.containsKey(IdcoValueCriterion.PARAMETER)) {
			return;
		}
		List<List<IdcoValueCriterion>> criteria = theParameters.remove(IdcoValueCriterion.PARAMETER).stream()
				.map(anyOf -> anyOf.stream().map(IdcoValueInterceptor::criterion).toList())
				.toList();
		OptionalInt loaded = ResourcePidSearch.loadedAtOnce(theParameters, theRequest);
		if (theParameters.keySet().isEmpty() && theParameters.getSort() == null && theParameters.getOffset() == null
				&& theParameters.getLastUpdated() == null && loaded.isPresent() && loaded.getAsInt() <= myMaxMatches) {
			// Any N matches answer an unsorted search HAPI loads N of at once; a list of thousands of keys
			// would cost HAPI more in building its SQL than the rest of the search.
			ResourcePidSearch.confine(theParameters, myIndex.matchingResourcePids(criteria, loaded.getAsInt()));
			return;
		}
		List<Long> pids = myIndex.matchingResourcePids(criteria, myMaxMatches + 1);
		if (pids.size() > myMaxMatches) {
			throw new InvalidRequestException("More than " + myMaxMatches + " Observations match " + IdcoValueCriterion.PARAMETER
					+ "; narrow the search, for example with a stricter value or another idco-value.");
		}
		ResourcePidSearch.confine(theParameters, pids);
	}

	private static IdcoValueCriterion criterion(IQueryParameterType theParameter) {
		if (!(theParameter instanceof SpecialParam special) || theParameter.getMissing() != null) {
			throw new InvalidRequestException(IdcoValueCriterion.PARAMETER + " takes no modifier");
		}
		return IdcoValueCriterion.parse(special.getValue());
	}
}
