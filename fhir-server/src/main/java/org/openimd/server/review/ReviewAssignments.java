package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.security.ReviewerReach;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;

/** A reviewer's assignments: their own and their groups', with the copies they are about. */
class ReviewAssignments implements ReviewerReach {

	private final DaoRegistry myDaos;
	private final ReviewGroups myGroups;

	ReviewAssignments(DaoRegistry theDaos, ReviewGroups theGroups) {
		myDaos = theDaos;
		myGroups = theGroups;
	}

	@Override
	public Set<String> assignedTo(String thePractitioner) {
		List<String> owners = new ArrayList<>(myGroups.groupsOf(thePractitioner));
		owners.add(thePractitioner);
		ReferenceOrListParam anyOwner = new ReferenceOrListParam();
		owners.forEach(owner -> anyOwner.addOr(new ReferenceParam(owner)));
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Task.SP_CODE, new TokenParam(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.REVIEW_ASSIGNMENT))
				.add(Task.SP_OWNER, anyOwner);
		Set<String> assigned = new TreeSet<>();
		for (Object found : myDaos.getResourceDao(Task.class).searchForResources(search, new SystemRequestDetails())) {
			Task assignment = (Task) found;
			assigned.add(assignment.getIdElement().toUnqualifiedVersionless().getValue());
			assigned.add(assignment.getFocus().getReference());
		}
		return assigned;
	}
}
