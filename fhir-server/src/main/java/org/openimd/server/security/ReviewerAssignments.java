package org.openimd.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;

/** A reviewer's assignments and copies ({@link ReviewerReach}), looked up once per request. */
final class ReviewerAssignments {

	private static final String USER_DATA_KEY = ReviewerAssignments.class.getName();

	private ReviewerAssignments() {}

	@SuppressWarnings("unchecked")
	static Set<String> of(RequestDetails theRequest, ReviewerReach theReach, String theReviewer) {
		return (Set<String>) theRequest.getUserData().computeIfAbsent(USER_DATA_KEY, key -> Set.copyOf(theReach.assignedTo(theReviewer)));
	}

	/** Those of {@code theType}, as ids. */
	static List<IIdType> ofType(Set<String> theAssigned, String theType) {
		return theAssigned.stream().filter(id -> id.startsWith(theType + "/")).sorted().map(id -> (IIdType) new IdType(id)).toList();
	}
}
