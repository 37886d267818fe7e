package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.deid.Deidentifier;
import org.openimd.terminology.OpenImdUris;

/**
 * The de-identified copy of a data set that its reviewers read: one collection Bundle, every resource
 * through the Safe Harbor profile ({@link Deidentifier}), labelled ANONYED. Stored as a Bundle, the
 * copy sits in no patient's compartment and shows up in no patient's searches.
 */
class ReviewCopies {

	private final Deidentifier myDeidentifier;
	private final DaoRegistry myDaos;
	private final Clock myClock;

	ReviewCopies(Deidentifier theDeidentifier, DaoRegistry theDaos, Clock theClock) {
		myDeidentifier = theDeidentifier;
		myDaos = theDaos;
		myClock = theClock;
	}

	/** Stores a new copy of {@code thePortion} for the review {@code theReview} ({@code Task/30}); answers its id. */
	String create(String theReview, List<Resource> thePortion) {
		return myDaos.getResourceDao(Bundle.class).create(copyOf(theReview, thePortion), new SystemRequestDetails()).getId()
				.toUnqualifiedVersionless().getValue();
	}

	/** Replaces the copy {@code theCopy} with one of {@code thePortion}, as it is now. */
	void update(String theCopy, String theReview, List<Resource> thePortion) {
		Bundle copy = copyOf(theReview, thePortion);
		copy.setId(theCopy);
		myDaos.getResourceDao(Bundle.class).update(copy, new SystemRequestDetails());
	}

	private Bundle copyOf(String theReview, List<Resource> thePortion) {
		Bundle copy = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(Date.from(myClock.instant()));
		// The review's id pseudonymised, like every id in the copy: it names the copy without pointing at the record.
		copy.getIdentifier().setSystem(OpenImdUris.REVIEW_COPY_IDENTIFIER).setValue(myDeidentifier.pseudonym(new IdType(theReview).getIdPart()));
		copy.getMeta().addSecurity(Deidentifier.ANONYMIZED.copy());
		thePortion.forEach(resource -> copy.addEntry().setResource(myDeidentifier.deidentify(resource)));
		return copy;
	}
}
