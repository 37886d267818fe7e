package org.openimd.server.review;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.terminology.ReviewCodes;

/**
 * A data set review the requester cancels (or marks entered in error) with an ordinary update or
 * PATCH of its Task: its open assignments are cancelled and their reviewers told.
 */
class WithdrawnReviews extends CheckedWhenStored {

	private static final Set<Task.TaskStatus> WITHDRAWN = Set.of(Task.TaskStatus.CANCELLED, Task.TaskStatus.ENTEREDINERROR);

	private final Reviews myReviews;

	WithdrawnReviews(Reviews theReviews) {
		myReviews = theReviews;
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof Task review && WITHDRAWN.contains(review.getStatus()) && Reviews.isA(review, ReviewCodes.DATA_SET_REVIEW)) {
			myReviews.withdrawn(review);
		}
	}
}
