package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.SearchTotalModeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Confines a search HAPI is about to plan to resources found by an index of OpenIMD's own, named by
 * HAPI's database keys: its {@code _pid} parameter, which its query builder matches on the resource
 * table as given. FHIR ids ({@code _id}) would cost HAPI a look-up query per few hundred ids first.
 * Where HAPI loads only the first N matches at once, an index that knows them can confine the search
 * to those N: HAPI's SQL builder takes tens of milliseconds over a list of thousands of keys.
 */
public final class ResourcePidSearch {

	/** HAPI's resource keys come from its sequence, which starts at 1,000: none is 0. */
	private static final long NO_RESOURCE = 0;
	/** What HAPI loads for {@code Cache-Control: no-store} without {@code max-results}. */
	private static final int HAPI_NO_STORE_DEFAULT = 100;

	private ResourcePidSearch() {}

	/** Only the resources with these keys can match; none, if the collection is empty. */
	public static void confine(SearchParameterMap theParameters, Collection<Long> theResourcePids) {
		TokenOrListParam anyOf = new TokenOrListParam();
		(theResourcePids.isEmpty() ? List.of(NO_RESOURCE) : theResourcePids).forEach(pid -> anyOf.add(null, pid.toString()));
		theParameters.add(Constants.PARAM_PID, anyOf);
	}

	/**
	 * How many matches HAPI loads for this search at once, with no result set kept for later pages:
	 * at least as many as its own limits for such a search ({@code no-store} with {@code max-results},
	 * or {@code _count} plus one and any {@code _offset}), so confining the search to that many of the
	 * search's first matches in the same order changes nothing it shows. None for a search whose pages
	 * HAPI keeps, or that counts its matches.
	 */
	public static OptionalInt loadedAtOnce(SearchParameterMap theParameters, RequestDetails theRequest) {
		if (theParameters.getSearchTotalMode() == SearchTotalModeEnum.ACCURATE || theParameters.getSummaryMode() == SummaryEnum.COUNT) {
			return OptionalInt.empty();
		}
		int most = 0;
		boolean noStore = false;
		if (theRequest != null) {
			CacheControlDirective cacheControl = new CacheControlDirective().parse(theRequest.getHeaders(Constants.HEADER_CACHE_CONTROL));
			noStore = cacheControl.isNoStore();
			if (noStore) {
				most = cacheControl.getMaxResults() != null ? cacheControl.getMaxResults() : HAPI_NO_STORE_DEFAULT;
			}
		}
		if (!noStore && !theParameters.isLoadSynchronous() && !theParameters.isOffsetQuery()) {
			return OptionalInt.empty();
		}
		if (theParameters.getLoadSynchronousUpTo() != null) {
			most = Math.max(most, theParameters.getLoadSynchronousUpTo());
		}
		if (theParameters.getCount() != null) {
			most = Math.max(most, theParameters.getCount() + 1 + Optional.ofNullable(theParameters.getOffset()).orElse(0));
		} else if (!noStore) {
			// HAPI then loads up to its configured maximum, which can be any size.
			return OptionalInt.empty();
		}
		return most > 0 ? OptionalInt.of(most) : OptionalInt.empty();
	}
}
