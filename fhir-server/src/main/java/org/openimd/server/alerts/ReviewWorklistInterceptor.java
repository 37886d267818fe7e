package org.openimd.server.alerts;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.IDao;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.fhir.ResourcePidSearch;
import org.openimd.server.fhir.StorageInterceptor;
import org.openimd.terminology.OpenImdUris;

/**
 * Keeps {@link ReviewWorklist} in step with the review Tasks HAPI stores, and answers the triage
 * worklist's first page from it. HAPI answers {@code _sort=triage-rank,authored-on} by joining and
 * sorting every open Task (hundreds of milliseconds at 50,000); when a search asks exactly the
 * worklist's question and HAPI will load at most N of it at once, the search is confined to the first
 * N Tasks in the table's order, which HAPI then sorts and shows as it would have. Anything else in the
 * search (another parameter, a narrowing the security gate added, a total to count, pages kept for
 * later; see {@link ResourcePidSearch#loadedAtOnce}) leaves HAPI's own plan in place.
 */
@Interceptor
class ReviewWorklistInterceptor implements StorageInterceptor {

	/** A project decision: beyond this, a list of keys costs HAPI more than its own plan saves. */
	private static final int MOST_CONFINED = 1000;
	private static final String TASK_STATUS_SYSTEM = "http://hl7.org/fhir/task-status";

	private final ReviewWorklist myWorklist;

	ReviewWorklistInterceptor(ReviewWorklist theWorklist) {
		myWorklist = theWorklist;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	void created(IBaseResource theResource) {
		if (ReviewWorklist.isReviewTask(theResource)) {
			myWorklist.stored((Task) theResource, resourcePid(theResource));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	void updated(IBaseResource thePrevious, IBaseResource theResource) {
		if (ReviewWorklist.isReviewTask(theResource)) {
			myWorklist.stored((Task) theResource, resourcePid(theResource));
		} else if (ReviewWorklist.isReviewTask(thePrevious)) {
			myWorklist.removed(theResource.getIdElement().getIdPart());
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	void deleted(IBaseResource theResource) {
		if (ReviewWorklist.isReviewTask(theResource)) {
			myWorklist.removed(theResource.getIdElement().getIdPart());
		}
	}

	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	void search(ICachedSearchDetails theSearch, SearchParameterMap theParameters, RequestDetails theRequest) {
		Optional<Set<String>> statuses = "Task".equals(theSearch.getResourceType()) ? worklistStatuses(theParameters) : Optional.empty();
		if (statuses.isEmpty()) {
			return;
		}
		OptionalInt loaded = ResourcePidSearch.loadedAtOnce(theParameters, theRequest);
		if (loaded.isPresent() && loaded.getAsInt() <= MOST_CONFINED) {
			ResourcePidSearch.confine(theParameters, myWorklist.firstResourcePids(statuses.get(), loaded.getAsInt()));
		}
	}

	private static long resourcePid(IBaseResource theResource) {
		// HAPI puts its key on the resource before calling the storage hooks, for them.
		JpaPid pid = IDao.RESOURCE_PID.get(theResource);
		if (pid == null) {
			throw new IllegalStateException("HAPI stored " + theResource.getIdElement().getValue() + " without its key");
		}
		return pid.getId();
	}

	/** The statuses asked for, if the search is the worklist's question and nothing else. */
	private static Optional<Set<String>> worklistStatuses(SearchParameterMap theParameters) {
		if (!theParameters.keySet().equals(Set.of(Task.SP_CODE, Task.SP_STATUS)) || theParameters.getLastUpdated() != null
				|| theParameters.getEverythingMode() != null || theParameters.isDeleteExpunge() || !isWorklistOrder(theParameters.getSort())) {
			return Optional.empty();
		}
		List<List<IQueryParameterType>> code = theParameters.get(Task.SP_CODE);
		if (code.size() != 1 || code.get(0).size() != 1 || !(code.get(0).get(0) instanceof TokenParam codeToken) || isModified(codeToken)
				|| !OpenImdUris.REMOTE_MONITORING_SYSTEM.equals(codeToken.getSystem()) || !OpenImdUris.TRANSMISSION_REVIEW.equals(codeToken.getValue())) {
			return Optional.empty();
		}
		List<List<IQueryParameterType>> status = theParameters.get(Task.SP_STATUS);
		if (status.size() != 1) {
			return Optional.empty();
		}
		Set<String> statuses = new TreeSet<>();
		for (IQueryParameterType anyOf : status.get(0)) {
			if (!(anyOf instanceof TokenParam statusToken) || isModified(statusToken)
					|| (statusToken.getSystem() != null && !TASK_STATUS_SYSTEM.equals(statusToken.getSystem()))
					|| !ReviewWorklist.OPEN_STATUSES.contains(statusToken.getValue())) {
				return Optional.empty();
			}
			statuses.add(statusToken.getValue());
		}
		return Optional.of(statuses);
	}

	private static boolean isModified(TokenParam theToken) {
		return theToken.getModifier() != null || theToken.getMissing() != null;
	}

	private static boolean isWorklistOrder(SortSpec theSort) {
		return theSort != null && "triage-rank".equals(theSort.getParamName()) && theSort.getOrder() != SortOrderEnum.DESC
				&& theSort.getChain() != null && Task.SP_AUTHORED_ON.equals(theSort.getChain().getParamName())
				&& theSort.getChain().getOrder() != SortOrderEnum.DESC && theSort.getChain().getChain() == null;
	}
}
