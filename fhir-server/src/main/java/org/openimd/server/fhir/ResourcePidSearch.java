package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.util.Collection;
import java.util.List;

/**
 * Confines a search HAPI is about to plan to resources found by an index of OpenIMD's own, named by
 * HAPI's database keys: its {@code _pid} parameter, which its query builder matches on the resource
 * table as given. FHIR ids ({@code _id}) would cost HAPI a look-up query per few hundred ids first.
 */
public final class ResourcePidSearch {

	/** HAPI's resource keys come from its sequence, which starts at 1,000: none is 0. */
	private static final long NO_RESOURCE = 0;

	private ResourcePidSearch() {}

	/** Only the resources with these keys can match; none, if the collection is empty. */
	public static void confine(SearchParameterMap theParameters, Collection<Long> theResourcePids) {
		TokenOrListParam anyOf = new TokenOrListParam();
		(theResourcePids.isEmpty() ? List.of(NO_RESOURCE) : theResourcePids).forEach(pid -> anyOf.add(null, pid.toString()));
		theParameters.add(Constants.PARAM_PID, anyOf);
	}
}
