package org.openimd.server.review;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.fhir.CheckedWhenStored;

/**
 * The physician's findings on a data set (Observations whose {@code focus} is one of its items),
 * added before or after it was sent for review: once stored, the reviewers' copy is made again with
 * them, so the reviewers see them.
 */
class ReviewedDataChanges extends CheckedWhenStored {

	private final Reviews myReviews;

	ReviewedDataChanges(Reviews theReviews) {
		myReviews = theReviews;
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof Observation finding) {
			finding.getFocus().stream().map(Reference::getReference)
					.filter(item -> item != null && (item.startsWith("Observation/") || item.startsWith("DiagnosticReport/")))
					.forEach(myReviews::dataSetChanged);
		}
	}
}
