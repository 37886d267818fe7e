package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Searches the server makes for its own work (an operation deciding whom a notice reaches, a
 * statistic): as the system, not as any caller, so the answer is everything stored that matches.
 * What the caller may then see of it is the operation's to decide.
 */
public final class ServerSearches {

	private ServerSearches() {}

	/** Every stored {@code theType} that {@code theSearch} matches. */
	@SuppressWarnings("unchecked")
	public static <T extends IBaseResource> List<T> everyMatch(DaoRegistry theDaos, Class<T> theType, SearchParameterMap theSearch) {
		return (List<T>) theDaos.getResourceDao(theType).searchForResources(theSearch, new SystemRequestDetails());
	}
}
