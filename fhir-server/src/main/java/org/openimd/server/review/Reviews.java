package org.openimd.server.review;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.security.CareRelationships;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;

/**
 * The review workflow. A data set goes to a review group as a data-set-review Task (for the patient,
 * about the original, owned by the group, visible to the patient's clinicians) and review-assignment
 * Tasks (part of it, about the de-identified copy, owned by a member or by the group, visible to the
 * reviewers they are assigned to). A reviewer's analysis becomes a DiagnosticReport on the patient's
 * record; the data-set-review gathers every analysis and whether they agree. Requester, reviewers and
 * the patient's clinicians are told of each step by Communication.
 */
class Reviews {

	private final DaoRegistry myDaos;
	private final DataSets myDataSets;
	private final ReviewGroups myGroups;
	private final ReviewCopies myCopies;
	private final CareRelationships myCare;
	private final Clock myClock;

	Reviews(DaoRegistry theDaos, DataSets theDataSets, ReviewGroups theGroups, ReviewCopies theCopies, CareRelationships theCare, Clock theClock) {
		myDaos = theDaos;
		myDataSets = theDataSets;
		myGroups = theGroups;
		myCopies = theCopies;
		myCare = theCare;
		myClock = theClock;
	}

	/**
	 * @param theRequester who asks, e.g. {@code Practitioner/3}; empty for a system
	 * @return the data-set-review Task
	 */
	Task submit(List<String> theDataSet, Optional<Reference> theGroup, Optional<String> theQuestion, Optional<String> theRequester,
			RequestDetails theCaller) {
		DataSets.DataSet dataSet = myDataSets.read(theDataSet, theCaller);
		ReviewGroups.ReviewGroup group = theGroup.map(myGroups::read).orElseGet(() -> myGroups.forKinds(dataSet.kinds())
				.orElseThrow(() -> new UnprocessableEntityException("no review group reads " + dataSet.kinds())));
		if (!group.kinds().containsAll(dataSet.kinds())) {
			throw new UnprocessableEntityException(group.id() + " reads " + group.kinds() + ", not " + dataSet.kinds());
		}
		if (group.members().isEmpty()) {
			throw new UnprocessableEntityException(group.id() + " has no members");
		}
		Task review = task(ReviewCodes.DATA_SET_REVIEW, Task.TaskStatus.INPROGRESS, theQuestion, theRequester)
				.setFor(new Reference(dataSet.patient()))
				.setFocus(new Reference(dataSet.items().get(0)))
				.setOwner(new Reference(group.id()));
		dataSet.items().forEach(item -> review.addInput().setType(code(ReviewCodes.DATA_SET)).setValue(new Reference(item)));
		String reviewId = create(review);
		String copy = myCopies.create(reviewId, dataSet.portion());
		for (String assignee : group.onePerMember() ? group.members() : List.of(group.id())) {
			Task assignment = task(ReviewCodes.REVIEW_ASSIGNMENT, Task.TaskStatus.REQUESTED, theQuestion, theRequester)
					.setFocus(new Reference(copy))
					.setOwner(new Reference(assignee));
			assignment.addPartOf(new Reference(reviewId));
			assignment.addInput().setType(code(ReviewCodes.DATA_SET)).setValue(new Reference(copy));
			String assignmentId = create(assignment);
			// Each member hears of it, whether the work is theirs alone or the group's; no patient is named.
			for (String member : group.onePerMember() ? List.of(assignee) : group.members()) {
				notify(ReviewCodes.REVIEW_REQUESTED, Optional.empty(), List.of(assignmentId), member,
						"A de-identified data set (" + String.join(", ", dataSet.kinds()) + ") awaits your review.");
			}
		}
		return read(reviewId);
	}

	/** Completes {@code theAssignment} with {@code theReviewer}'s analysis; answers the completed assignment. */
	Task submitAnalysis(IdType theAssignment, String theReviewer, String theConclusion, List<CodeableConcept> theCodes) {
		Task assignment = read(theAssignment.toUnqualifiedVersionless().getValue());
		if (!isA(assignment, ReviewCodes.REVIEW_ASSIGNMENT)) {
			throw new UnprocessableEntityException(theAssignment.getValue() + " is no review assignment");
		}
		String owner = assignment.getOwner().getReference();
		if (!owner.equals(theReviewer) && !myGroups.groupsOf(theReviewer).contains(owner)) {
			throw new ForbiddenOperationException("this assignment is not yours");
		}
		if (assignment.getStatus() == Task.TaskStatus.COMPLETED || assignment.getStatus() == Task.TaskStatus.CANCELLED) {
			throw new ResourceVersionConflictException("this assignment is " + assignment.getStatus().toCode() + " already");
		}
		if (theConclusion == null || theConclusion.isBlank()) {
			throw new UnprocessableEntityException("an analysis needs a conclusion");
		}
		Task review = read(assignment.getPartOfFirstRep().getReference());
		DataSets.DataSet dataSet = myDataSets.reread(dataSetOf(review));
		DiagnosticReport analysis = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
				.setCode(code(ReviewCodes.ANALYSIS))
				.setSubject(review.getFor())
				.setIssued(Date.from(myClock.instant()))
				.setConclusion(theConclusion)
				.setConclusionCode(theCodes);
		analysis.addPerformer(new Reference(theReviewer));
		analysis.addResultsInterpreter(new Reference(theReviewer));
		dataSet.observed().forEach(observed -> analysis.addResult(new Reference(observed)));
		String analysisId = create(analysis);

		assignment.setStatus(Task.TaskStatus.COMPLETED).setLastModified(Date.from(myClock.instant()))
				.addOutput().setType(code(ReviewCodes.ANALYSIS)).setValue(new Reference(analysisId));
		update(assignment);

		review.addOutput().setType(code(ReviewCodes.ANALYSIS)).setValue(new Reference(analysisId));
		List<DiagnosticReport> analyses = analysesOf(review);
		review.getOutput().removeIf(output -> hasCode(output.getType(), ReviewCodes.AGREEMENT));
		review.addOutput().setType(code(ReviewCodes.AGREEMENT)).setValue(code(agreement(analyses)));
		if (assignmentsOf(review).stream().allMatch(task -> task.getStatus() == Task.TaskStatus.COMPLETED)) {
			review.setStatus(Task.TaskStatus.COMPLETED);
		}
		review.setLastModified(Date.from(myClock.instant()));
		update(review);

		boolean openReview = myGroups.read(review.getOwner()).openReview();
		if (openReview) {
			refreshCopies(review, dataSet, true);
		}
		Set<String> told = new LinkedHashSet<>();
		Optional.ofNullable(review.getRequester().getReference()).ifPresent(told::add);
		told.addAll(myCare.practitionersOf(review.getFor().getReference()));
		told.forEach(clinician -> notify(ReviewCodes.ANALYSIS_RECEIVED, Optional.of(review.getFor()),
				List.of(review.getIdElement().toUnqualifiedVersionless().getValue(), analysisId), clinician,
				"A specialist's analysis of the data set sent for review arrived: " + theConclusion));
		return read(assignment.getIdElement().toUnqualifiedVersionless().getValue());
	}

	/**
	 * A review cancelled (or entered in error) through the API: its open assignments are cancelled
	 * with it and their reviewers told, so that nobody reads a data set whose review was withdrawn.
	 * Assignments already done or cancelled are left, so telling happens once.
	 */
	void withdrawn(Task theReview) {
		for (Task assignment : assignmentsOf(theReview)) {
			if (assignment.getStatus() == Task.TaskStatus.COMPLETED || assignment.getStatus() == Task.TaskStatus.CANCELLED) {
				continue;
			}
			update(assignment.setStatus(Task.TaskStatus.CANCELLED).setLastModified(Date.from(myClock.instant())));
			notify(ReviewCodes.REVIEW_WITHDRAWN, Optional.empty(), List.of(assignment.getIdElement().toUnqualifiedVersionless().getValue()),
					assignment.getOwner().getReference(), "The review of a data set assigned to you was withdrawn; your assignment is cancelled.");
		}
	}

	/** Makes the copies of the reviews of {@code theItem} again, say because the physician added a finding to it. */
	void dataSetChanged(String theItem) {
		SearchParameterMap reviews = SearchParameterMap.newSynchronous()
				.add(Task.SP_CODE, new TokenParam(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.DATA_SET_REVIEW))
				.add(Task.SP_FOCUS, new ReferenceParam(theItem));
		for (Object found : myDaos.getResourceDao(Task.class).searchForResources(reviews, new SystemRequestDetails())) {
			Task review = (Task) found;
			refreshCopies(review, myDataSets.reread(dataSetOf(review)), myGroups.read(review.getOwner()).openReview());
		}
	}

	/** The copy as the reviewers see it now: the data set with its findings, and in open review the analyses so far. */
	private void refreshCopies(Task theReview, DataSets.DataSet theDataSet, boolean theOpenReview) {
		List<Resource> portion = new ArrayList<>(theDataSet.portion());
		if (theOpenReview) {
			portion.addAll(analysesOf(theReview));
		}
		assignmentsOf(theReview).stream().map(task -> task.getFocus().getReference()).distinct()
				.forEach(copy -> myCopies.update(copy, theReview.getIdElement().toUnqualifiedVersionless().getValue(), portion));
	}

	/** {@code agreed} when two or more analyses carry the same conclusion codes, {@code disagreed} when not. */
	static String agreement(List<DiagnosticReport> theAnalyses) {
		if (theAnalyses.size() < 2) {
			return ReviewCodes.SINGLE_ANALYSIS;
		}
		Set<Set<String>> readings = theAnalyses.stream().map(analysis -> analysis.getConclusionCode().stream()
				.flatMap(concept -> concept.getCoding().stream()).map(coding -> coding.getSystem() + "|" + coding.getCode())
				.collect(Collectors.toSet())).collect(Collectors.toSet());
		return readings.size() == 1 ? ReviewCodes.AGREED : ReviewCodes.DISAGREED;
	}

	private List<DiagnosticReport> analysesOf(Task theReview) {
		return theReview.getOutput().stream().filter(output -> hasCode(output.getType(), ReviewCodes.ANALYSIS))
				.map(output -> ((Reference) output.getValue()).getReference())
				.map(id -> myDaos.getResourceDao(DiagnosticReport.class).read(new IdType(id), new SystemRequestDetails())).toList();
	}

	private List<Task> assignmentsOf(Task theReview) {
		SearchParameterMap parts = SearchParameterMap.newSynchronous()
				.add(Task.SP_PART_OF, new ReferenceParam(theReview.getIdElement().toUnqualifiedVersionless().getValue()));
		return myDaos.getResourceDao(Task.class).searchForResources(parts, new SystemRequestDetails()).stream().map(Task.class::cast).toList();
	}

	private static List<String> dataSetOf(Task theReview) {
		return theReview.getInput().stream().filter(input -> hasCode(input.getType(), ReviewCodes.DATA_SET))
				.map(input -> ((Reference) input.getValue()).getReference()).toList();
	}

	private void notify(String theTopic, Optional<Reference> thePatient, List<String> theAbout, String theRecipient, String theText) {
		// Its kind as category too: R4 searches a Communication by category, not by topic, and the review subscription topic triggers on it.
		Communication notice = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSent(Date.from(myClock.instant()))
				.setTopic(code(theTopic)).addCategory(code(theTopic));
		thePatient.ifPresent(notice::setSubject);
		theAbout.forEach(about -> notice.addAbout(new Reference(about)));
		notice.addRecipient(new Reference(theRecipient));
		notice.addPayload().setContent(new StringType(theText));
		create(notice);
	}

	private Task task(String theCode, Task.TaskStatus theStatus, Optional<String> theQuestion, Optional<String> theRequester) {
		Task task = new Task().setStatus(theStatus).setIntent(Task.TaskIntent.ORDER).setCode(code(theCode)).setAuthoredOn(Date.from(myClock.instant()));
		theRequester.ifPresent(requester -> task.setRequester(new Reference(requester)));
		theQuestion.ifPresent(question -> task.addInput().setType(code(ReviewCodes.QUESTION)).setValue(new StringType(question)));
		return task;
	}

	static CodeableConcept code(String theCode) {
		return new CodeableConcept(new Coding(OpenImdUris.REVIEW_SYSTEM, theCode, null));
	}

	static boolean isA(Task theTask, String theCode) {
		return hasCode(theTask.getCode(), theCode);
	}

	private static boolean hasCode(CodeableConcept theConcept, String theCode) {
		return theConcept.getCoding().stream().anyMatch(coding -> OpenImdUris.REVIEW_SYSTEM.equals(coding.getSystem()) && theCode.equals(coding.getCode()));
	}

	private Task read(String theTask) {
		return myDaos.getResourceDao(Task.class).read(new IdType(theTask), new SystemRequestDetails());
	}

	private String create(Resource theResource) {
		return dao(theResource).create(theResource, new SystemRequestDetails()).getId().toUnqualifiedVersionless().getValue();
	}

	private void update(Resource theResource) {
		dao(theResource).update(theResource, new SystemRequestDetails());
	}

	private IFhirResourceDao<Resource> dao(Resource theResource) {
		return myDaos.getResourceDao(theResource.fhirType());
	}
}
