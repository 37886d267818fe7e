package org.openimd.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizedList;
import ca.uhn.fhir.rest.server.interceptor.auth.SearchNarrowingInterceptor;
import java.util.Set;

/**
 * The searches of a token limited by a role (a person's, or a pharmacy system's), and the conditions
 * of its conditional writes, are confined to the patients the token reaches: {@code Observation?code=…}
 * from a patient's app finds that patient's Observations only, where HAPI's authorization rules alone
 * would refuse the search.
 */
public class PatientSearchNarrowing extends SearchNarrowingInterceptor {

	private final CareRelationships myCare;

	public PatientSearchNarrowing(CareRelationships theCare) {
		myCare = theCare;
		setNarrowConditionalUrls(true);
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
