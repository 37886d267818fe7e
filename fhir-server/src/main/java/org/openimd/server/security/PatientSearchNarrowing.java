package org.openimd.server.security;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The searches of a token limited by a role (a person's, or a pharmacy system's), and the conditions
 * of its conditional writes, are confined to the patients the token reaches: {@code Observation?code=…}
 * from a patient's app finds that patient's Observations only, where HAPI's authorization rules alone
 * would refuse the search. In a batch or transaction, only the entries that are searches are
 * narrowed: HAPI's narrowing rewrites every GET entry as a search of its type, which turns a read of
 * another patient's resource, a history or an operation into a search of one's own data, answering a
 * question that was not asked instead of the refusal the request would get on its own.
 */
public class PatientSearchNarrowing extends SearchNarrowingInterceptor {

	private static final Set<RestOperationTypeEnum> BUNDLES = Set.of(RestOperationTypeEnum.BATCH, RestOperationTypeEnum.TRANSACTION);

	private final CareRelationships myCare;

	public PatientSearchNarrowing(CareRelationships theCare) {
		myCare = theCare;
		setNarrowConditionalUrls(true);
	}

	@Override
	public void hookIncomingRequestPreHandled(ServletRequestDetails theRequestDetails, HttpServletRequest theRequest,
			HttpServletResponse theResponse) {
		if (!BUNDLES.contains(theRequestDetails.getRestOperationType()) || !(theRequestDetails.getResource() instanceof Bundle bundle)) {
			super.hookIncomingRequestPreHandled(theRequestDetails, theRequest, theResponse);
			return;
		}
		// The same entry objects, in a Bundle that leaves out the GET entries that are no searches.
		Bundle narrowed = new Bundle().setType(bundle.getType());
		bundle.getEntry().stream().filter(entry -> entry.getRequest().getMethod() != Bundle.HTTPVerb.GET || isSearch(entry.getRequest().getUrl()))
				.forEach(narrowed.getEntry()::add);
		theRequestDetails.setResource(narrowed);
		try {
			super.hookIncomingRequestPreHandled(theRequestDetails, theRequest, theResponse);
		} finally {
			theRequestDetails.setResource(bundle);
		}
	}

	/** Whether a GET entry's URL is a search of a type ({@code Observation?code=…}), not a read, history or operation. */
	static boolean isSearch(String theUrl) {
		if (theUrl == null) {
			return false;
		}
		String path = theUrl.contains("?") ? theUrl.substring(0, theUrl.indexOf('?')) : theUrl;
		return !path.isEmpty() && !path.contains("/") && !path.startsWith("$") && !path.startsWith("_");
	}

	@Override
	protected AuthorizedList buildAuthorizedList(RequestDetails theRequest) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (access.policy().isEmpty()) {
			return null;
		}
		Set<String> patients = access.patientLimit().orElse(null);
		if (patients == null || patients.isEmpty()) {
			return null;
		}
		return new AuthorizedList().addCompartments(patients.stream().map(id -> "Patient/" + id).toArray(String[]::new));
	}
}
