package org.openimd.server.review;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.SmartClaims;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code $submit-for-review} and {@code $submit-analysis} ({@link Reviews}; OperationDefinitions in ig).
 * Each writes several resources (the review, its copy, assignments and notices; the analysis, the
 * completed assignment, the review and notices) in one database transaction: a failure midway leaves
 * nothing of it.
 */
public class ReviewOperationsProvider {

	private final Reviews myReviews;
	private final CareRelationships myCare;
	private final TransactionTemplate myTransaction;

	ReviewOperationsProvider(Reviews theReviews, CareRelationships theCare, PlatformTransactionManager theTransactions) {
		myReviews = theReviews;
		myCare = theCare;
		myTransaction = new TransactionTemplate(theTransactions);
	}

	@Operation(name = "$submit-for-review", idempotent = false)
	public Task submitForReview(@OperationParam(name = "dataSet", min = 1) List<Reference> theDataSet,
			@OperationParam(name = "group", max = 1) Reference theGroup, @OperationParam(name = "question", max = 1) StringType theQuestion,
			RequestDetails theRequest) {
		Optional<String> requester = AccessContext.of(theRequest, myCare).token()
				.map(token -> token.getClaimAsString(SmartClaims.FHIR_USER)).map(fhirUser -> new IdType(fhirUser).toUnqualifiedVersionless().getValue());
		return myTransaction.execute(status -> myReviews.submit(theDataSet.stream().map(Reference::getReference).toList(),
				Optional.ofNullable(theGroup), Optional.ofNullable(theQuestion).map(StringType::getValue), requester, theRequest));
	}

	@Operation(name = "$submit-analysis", type = Task.class, idempotent = false)
	public Task submitAnalysis(@IdParam IdType theAssignment, @OperationParam(name = "conclusion", min = 1, max = 1) StringType theConclusion,
			@OperationParam(name = "conclusionCode") List<CodeableConcept> theCodes, RequestDetails theRequest) {
		String reviewer = AccessContext.of(theRequest, myCare).reviewer()
				.orElseThrow(() -> new ForbiddenOperationException("$submit-analysis is for the reviewer a review is assigned to"));
		return myTransaction.execute(status -> myReviews.submitAnalysis(theAssignment, reviewer,
				theConclusion == null ? null : theConclusion.getValue(), theCodes == null ? List.of() : theCodes));
	}
}
