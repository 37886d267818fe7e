package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.deid.Deidentifier;
import org.openimd.server.security.AccessGrantingResources;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.ReviewerReach;
import org.openimd.terminology.ReviewCodes;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** Specialist review of data sets: groups, copies, the workflow, its operations and what reviewers reach. */
@Configuration(proxyBeanMethods = false)
class ReviewConfig {

	@Bean
	ReviewGroups reviewGroups(DaoRegistry theDaos) {
		return new ReviewGroups(theDaos);
	}

	@Bean
	Reviews reviews(DaoRegistry theDaos, ReviewGroups theGroups, Deidentifier theDeidentifier, CareRelationships theCare, Clock theClock) {
		return new Reviews(theDaos, new DataSets(theDaos), theGroups, new ReviewCopies(theDeidentifier, theDaos, theClock), theCare, theClock);
	}

	@Bean
	ReviewOperationsProvider reviewOperationsProvider(Reviews theReviews, CareRelationships theCare, PlatformTransactionManager theTransactions) {
		return new ReviewOperationsProvider(theReviews, theCare, theTransactions);
	}

	@Bean
	ReviewerReach reviewerReach(DaoRegistry theDaos, ReviewGroups theGroups) {
		return new ReviewAssignments(theDaos, theGroups);
	}

	/** Review assignments let reviewers reach de-identified copies: only $submit-for-review makes them. */
	@Bean
	AccessGrantingResources reviewAssignmentsGrantAccess() {
		return resource -> resource instanceof Task task && Reviews.isA(task, ReviewCodes.REVIEW_ASSIGNMENT)
				? Optional.of(AccessGrantingResources.Grantor.SERVER_OPERATIONS)
				: Optional.empty();
	}

	@Bean
	WithdrawnReviews withdrawnReviews(Reviews theReviews) {
		return new WithdrawnReviews(theReviews);
	}

	@Bean
	ReviewedDataChanges reviewedDataChanges(Reviews theReviews) {
		return new ReviewedDataChanges(theReviews);
	}
}
