package org.openimd.server.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.gclient.TokenClientParam;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.BaseServerIT;
import org.openimd.server.PlantedFailure;
import org.openimd.server.security.login.Role;
import org.openimd.server.similar.Interrogations;
import org.openimd.server.similar.SecondRecording;
import org.openimd.server.waveform.WaveformSamples;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The review workflow end to end: an interrogation ingested over HL7 v2 and an ECG strip of the same
 * patient go de-identified to a review group; two specialists, with reviewer tokens, read their copy
 * and answer; both analyses come back to the patient's record and to the clinician.
 */
class ReviewIT extends BaseServerIT {

	private static final String SNOMED = "http://snomed.info/sct";
	private static final CodeableConcept VENTRICULAR_TACHYCARDIA = new CodeableConcept(new Coding(SNOMED, "25569003", "Ventricular tachycardia"));
	private static final CodeableConcept SUPRAVENTRICULAR_TACHYCARDIA = new CodeableConcept(new Coding(SNOMED, "6456007", "Supraventricular tachycardia"));
	private static final String CLINICIAN_SCOPES = "openid fhirUser user/*.cruds";
	private static final String REVIEWER_SCOPES = "openid fhirUser user/*.cruds";

	@Autowired
	IInterceptorService storage;

	private Patient patient;
	private Device implant;
	private String report;
	private String strip;
	private String clinician;
	private String firstReviewer;
	private String secondReviewer;
	private String group;
	private String prefix;
	private String message;

	@BeforeEach
	void anIngestedInterrogationAnEcgStripAClinicianAndAReviewGroupOfTwo() throws Exception {
		prefix = "R" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
		message = new IdcoMessageGenerator(IdcoTermTable.load(), prefix).interrogation(1, 0);
		assertThat(postHl7v2(message)).contains("MSA|AA|");
		patient = single(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().code("MRN" + prefix + 1))
				.returnBundle(Bundle.class).execute(), Patient.class);
		// The generator (not its leads), by the serial number the generator gives it.
		implant = single(client.search().forResource(Device.class).where(new TokenClientParam("serial-number").exactly().code(prefix + "0000001"))
				.returnBundle(Bundle.class).execute(), Device.class);
		report = single(client.search().forResource(DiagnosticReport.class).where(DiagnosticReport.SUBJECT.hasId(patient.getIdElement()
				.toUnqualifiedVersionless())).returnBundle(Bundle.class).execute(), DiagnosticReport.class).getIdElement().toUnqualifiedVersionless().getValue();
		Observation ecg = WaveformSamples.mitBih208Strips().get(5).setSubject(new Reference(patientId()))
				.setEffective(new DateTimeType("2026-01-05T09:14:00+01:00")).setDevice(new Reference(implant.getIdElement().toUnqualifiedVersionless()));
		strip = "Observation/" + create(ecg);
		clinician = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(patientId()))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(clinician))));
		firstReviewer = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		secondReviewer = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		group = reviewGroup(false, ReviewCodes.ASSIGN_TO_MEMBER, firstReviewer, secondReviewer);
	}

	@Test
	void twoSpecialistsAnalysesOfADeidentifiedDataSetComeBackToThePatientsRecordAndClinician() throws Exception {
		IGenericClient physician = as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES));
		Task review = submit(physician, group, strip, report);

		assertThat(review.getFor().getReference()).isEqualTo(patientId());
		assertThat(review.getOwner().getReference()).isEqualTo(group);
		assertThat(review.getRequester().getReference()).isEqualTo(clinician);

		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		IGenericClient second = as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES));
		Task firstAssignment = onlyAssignment(first);
		Task secondAssignment = onlyAssignment(second);
		assertThat(firstAssignment.getPartOfFirstRep().getReference()).isEqualTo(review.getIdElement().toUnqualifiedVersionless().getValue());
		assertThat(firstAssignment.hasFor()).as("an assignment names no patient").isFalse();
		Bundle copy = first.read().resource(Bundle.class).withId(firstAssignment.getFocus().getReferenceElement()).execute();
		assertThat(copy.getEntry()).extracting(entry -> entry.getResource().fhirType()).contains("Patient", "Device", "Observation", "DiagnosticReport");
		assertThat(copy.getEntry()).anySatisfy(entry -> assertThat(entry.getResource()).isInstanceOfSatisfying(Observation.class,
				observation -> assertThat(observation.getComponentFirstRep().getValueSampledData().getData()).isNotBlank()));
		assertThat(first.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> ((Communication) entry.getResource()).getTopic().getCodingFirstRep().getCode()).containsExactly(ReviewCodes.REVIEW_REQUESTED);

		analyse(first, firstAssignment, "Monomorphic ventricular tachycardia", VENTRICULAR_TACHYCARDIA);
		analyse(second, secondAssignment, "Ventricular tachycardia, wide complexes", VENTRICULAR_TACHYCARDIA);

		Task done = physician.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute();
		assertThat(done.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
		List<DiagnosticReport> analyses = done.getOutput().stream().filter(output -> output.getValue() instanceof Reference)
				.map(output -> physician.read().resource(DiagnosticReport.class).withId(((Reference) output.getValue()).getReferenceElement()).execute())
				.toList();
		assertThat(analyses).hasSize(2).allSatisfy(analysis -> {
			assertThat(analysis.getSubject().getReference()).isEqualTo(patientId());
			assertThat(analysis.getResult()).extracting(Reference::getReference).as("the strip and the interrogation's measurements")
					.containsExactlyInAnyOrder(strip, measurementsOf(report));
			assertThat(analysis.getConclusionCodeFirstRep().getCodingFirstRep().getCode()).isEqualTo("25569003");
		});
		assertThat(analyses).extracting(analysis -> analysis.getPerformerFirstRep().getReference()).containsExactlyInAnyOrder(firstReviewer, secondReviewer);
		assertThat(agreementOf(done)).isEqualTo(ReviewCodes.AGREED);
		// Only the analyses' notices: the strip may also resemble one that another test had diagnosed.
		List<Communication> notices = physician.search().forResource(Communication.class).where(Communication.RECIPIENT.hasId(clinician))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (Communication) entry.getResource())
				.filter(notice -> !ReviewCodes.SIMILAR_CASE.equals(notice.getTopic().getCodingFirstRep().getCode())).toList();
		assertThat(notices).hasSize(2).allSatisfy(notice -> {
			assertThat(notice.getTopic().getCodingFirstRep().getCode()).isEqualTo(ReviewCodes.ANALYSIS_RECEIVED);
			assertThat(notice.getSubject().getReference()).isEqualTo(patientId());
		});
		assertThatThrownBy(() -> analyse(first, firstAssignment, "again", VENTRICULAR_TACHYCARDIA)).as("one analysis per assignment")
				.isInstanceOfSatisfying(BaseServerResponseException.class, e -> assertThat(e.getStatusCode()).isIn(403, 409));
	}

	@Test
	void anOperationThatFailsMidwayLeavesNothingOfItsWritesBehind() throws Exception {
		IGenericClient physician = as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES));
		// The review, its copy, the first assignment, its notice and the second assignment are written by then.
		PlantedFailure failure = noticeOf(ReviewCodes.REVIEW_REQUESTED, 2);
		storage.registerInterceptor(failure);
		try {
			assertThat(status(() -> submit(physician, group, strip))).isEqualTo(422);
		} finally {
			storage.unregisterInterceptor(failure);
		}
		// the patient's transmissions have triage Tasks of their own
		assertThat(client.search().forResource(Task.class).where(Task.PATIENT.hasId(patientId()))
				.and(Task.CODE.exactly().systemAndCode(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.DATA_SET_REVIEW)).returnBundle(Bundle.class).execute()
				.getEntry()).as("no review").isEmpty();
		for (String reviewer : List.of(firstReviewer, secondReviewer)) {
			assertThat(client.search().forResource(Task.class).where(Task.OWNER.hasId(reviewer)).returnBundle(Bundle.class).execute().getEntry())
					.as("no assignment").isEmpty();
			assertThat(client.search().forResource(Communication.class).where(Communication.RECIPIENT.hasId(reviewer)).returnBundle(Bundle.class)
					.execute().getEntry()).as("no notice").isEmpty();
		}

		submit(physician, group, strip);
		Task assignment = onlyAssignment(firstReviewer);
		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		// The analysis and the completed assignment are written by the time the requester is told.
		PlantedFailure failedNotice = noticeOf(ReviewCodes.ANALYSIS_RECEIVED, 1);
		storage.registerInterceptor(failedNotice);
		try {
			assertThat(status(() -> analyse(first, assignment, "Monomorphic ventricular tachycardia", VENTRICULAR_TACHYCARDIA))).isEqualTo(422);
		} finally {
			storage.unregisterInterceptor(failedNotice);
		}
		assertThat(client.read().resource(Task.class).withId(assignment.getIdElement().toUnqualifiedVersionless()).execute().getStatus())
				.isEqualTo(Task.TaskStatus.REQUESTED);
		assertThat(client.search().forResource(DiagnosticReport.class).where(DiagnosticReport.PERFORMER.hasId(firstReviewer))
				.returnBundle(Bundle.class).execute().getEntry()).as("no analysis").isEmpty();
		assertThat(analyse(first, assignment, "Monomorphic ventricular tachycardia", VENTRICULAR_TACHYCARDIA).getStatus())
				.as("the same analysis, sent again, goes through").isEqualTo(Task.TaskStatus.COMPLETED);

		// Withdrawing the review cancels the second reviewer's open assignment before telling them.
		Task review = client.read().resource(Task.class).withId(assignment.getPartOfFirstRep().getReferenceElement()).execute();
		PlantedFailure failedWithdrawal = noticeOf(ReviewCodes.REVIEW_WITHDRAWN, 1);
		storage.registerInterceptor(failedWithdrawal);
		try {
			assertThat(status(() -> physician.update().resource(review.copy().setStatus(Task.TaskStatus.CANCELLED)).execute())).isEqualTo(422);
		} finally {
			storage.unregisterInterceptor(failedWithdrawal);
		}
		assertThat(client.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute().getStatus())
				.isNotEqualTo(Task.TaskStatus.CANCELLED);
		assertThat(onlyAssignment(secondReviewer).getStatus()).as("still open").isEqualTo(Task.TaskStatus.REQUESTED);
	}

	@Test
	void aReviewTheRequesterCancelsCancelsTheOpenAssignmentsAndTellsTheirReviewers() throws Exception {
		IGenericClient physician = as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES));
		Task review = submit(physician, group, strip);
		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		Task firstAssignment = onlyAssignment(first);
		analyse(first, firstAssignment, "Sinus rhythm", VENTRICULAR_TACHYCARDIA);

		Task withdrawn = physician.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute();
		physician.update().resource(withdrawn.setStatus(Task.TaskStatus.CANCELLED)).execute();

		assertThat(assignmentOf(review, secondReviewer).getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
		assertThat(assignmentOf(review, firstReviewer).getStatus()).as("done before the withdrawal").isEqualTo(Task.TaskStatus.COMPLETED);
		IGenericClient second = as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES));
		assertThat(second.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> ((Communication) entry.getResource()).getTopic().getCodingFirstRep().getCode())
				.containsExactlyInAnyOrder(ReviewCodes.REVIEW_REQUESTED, ReviewCodes.REVIEW_WITHDRAWN);
		assertThat(first.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry())
				.extracting(entry -> ((Communication) entry.getResource()).getTopic().getCodingFirstRep().getCode()).as("nothing left to withdraw")
				.containsExactly(ReviewCodes.REVIEW_REQUESTED);
		Task cancelled = assignmentOf(review, secondReviewer);
		assertThat(status(() -> analyse(second, cancelled, "VT", VENTRICULAR_TACHYCARDIA))).as("a cancelled assignment takes no analysis").isEqualTo(409);
		assertThat(status(() -> second.update().resource(withdrawn.setStatus(Task.TaskStatus.INPROGRESS)).execute()))
				.as("a reviewer cannot reopen the review").isIn(403, 404);
	}

	@Test
	void differingDiagnosesAreMarkedAsDisagreement() throws Exception {
		Task review = submit(client, group, strip);
		analyse(as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES)), onlyAssignment(firstReviewer), "VT", VENTRICULAR_TACHYCARDIA);
		assertThat(agreementOf(client.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute()))
				.isEqualTo(ReviewCodes.SINGLE_ANALYSIS);
		analyse(as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES)), onlyAssignment(secondReviewer), "SVT with aberrancy",
				SUPRAVENTRICULAR_TACHYCARDIA);
		assertThat(agreementOf(client.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute()))
				.isEqualTo(ReviewCodes.DISAGREED);
	}

	@Test
	void inOpenReviewMembersSeeEachOthersAnalysesInTheCopyAndInClosedReviewNot() throws Exception {
		String open = reviewGroup(true, ReviewCodes.ASSIGN_TO_MEMBER, firstReviewer, secondReviewer);
		submit(client, open, strip);
		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		IGenericClient second = as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES));
		Task secondsAssignment = onlyAssignment(second);
		analyse(first, onlyAssignment(first), "Monomorphic VT", VENTRICULAR_TACHYCARDIA);

		Bundle seenBySecond = second.read().resource(Bundle.class).withId(secondsAssignment.getFocus().getReferenceElement()).execute();
		assertThat(seenBySecond.getEntry()).filteredOn(entry -> entry.getResource() instanceof DiagnosticReport report
						&& report.getConclusionCodeFirstRep().getCodingFirstRep().getCode().equals("25569003"))
				.singleElement().satisfies(entry -> {
					DiagnosticReport analysis = (DiagnosticReport) entry.getResource();
					assertThat(analysis.hasConclusion()).as("free text stays out of the copy").isFalse();
					assertThat(analysis.getPerformerFirstRep().getReference()).doesNotContain(firstReviewer);
				});

		Task closed = submit(client, group, strip);
		Task closedFirst = assignmentOf(closed, firstReviewer);
		Task closedSecond = assignmentOf(closed, secondReviewer);
		analyse(first, closedFirst, "Monomorphic VT", VENTRICULAR_TACHYCARDIA);
		Bundle closedCopy = second.read().resource(Bundle.class).withId(closedSecond.getFocus().getReferenceElement()).execute();
		assertThat(closedCopy.getEntry()).noneMatch(entry -> entry.getResource() instanceof DiagnosticReport report
				&& report.hasConclusionCode());
	}

	@Test
	void aGroupAssignmentIsOneTaskThatAnyMemberCompletesOnce() throws Exception {
		String pooled = reviewGroup(false, ReviewCodes.ASSIGN_TO_GROUP, firstReviewer, secondReviewer);
		Task review = submit(client, pooled, strip);
		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		IGenericClient second = as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES));

		Task shared = onlyAssignment(first);
		assertThat(shared.getOwner().getReference()).isEqualTo(pooled);
		assertThat(onlyAssignment(second).getIdElement().getIdPart()).isEqualTo(shared.getIdElement().getIdPart());
		assertThat(second.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry()).as("each member hears of it")
				.hasSize(1);

		analyse(second, shared, "SVT with aberrancy", SUPRAVENTRICULAR_TACHYCARDIA);
		assertThat(status(() -> analyse(first, shared, "VT", VENTRICULAR_TACHYCARDIA))).as("done once, by whoever was first").isEqualTo(409);
		Task done = client.read().resource(Task.class).withId(review.getIdElement().toUnqualifiedVersionless()).execute();
		assertThat(done.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
		assertThat(agreementOf(done)).isEqualTo(ReviewCodes.SINGLE_ANALYSIS);
	}

	@Test
	void theCopyHoldsNoIdentifierNameAddressSerialNumberOrFullDate() throws Exception {
		Task review = submit(client, group, strip, report);
		Bundle copy = client.read().resource(Bundle.class).withId(onlyAssignment(firstReviewer).getFocus().getReferenceElement()).execute();

		assertThat(copy.getMeta().getSecurity()).extracting(Coding::getCode).contains("ANONYED");
		for (Bundle.BundleEntryComponent entry : copy.getEntry()) {
			Resource resource = entry.getResource();
			assertThat(resource.getIdElement().getIdPart()).as("a pseudonym, not the id").matches("[0-9a-f]{64}");
			assertThat(resource.getMeta().hasLastUpdated()).isFalse();
			if (resource instanceof Patient copied) {
				assertThat(copied.hasName()).isFalse();
				assertThat(copied.hasIdentifier()).isFalse();
				assertThat(copied.hasTelecom()).isFalse();
				assertThat(copied.getAddress()).allSatisfy(address -> {
					assertThat(address.hasLine()).isFalse();
					assertThat(address.hasCity()).isFalse();
				});
				assertThat(copied.getBirthDateElement().getValueAsString()).matches("\\d{4}");
			} else if (resource instanceof Device device) {
				assertThat(device.hasSerialNumber()).isFalse();
				assertThat(device.hasUdiCarrier()).isFalse();
				assertThat(device.hasIdentifier()).isFalse();
				assertThat(device.hasLotNumber()).isFalse();
			} else if (resource instanceof Observation observation) {
				assertThat(observation.hasIdentifier()).isFalse();
				if (observation.hasEffectiveDateTimeType()) {
					assertThat(observation.getEffectiveDateTimeType().getValueAsString()).matches("\\d{4}");
				}
			} else if (resource instanceof DiagnosticReport copiedReport) {
				assertThat(copiedReport.hasIdentifier()).isFalse();
				assertThat(copiedReport.getEffectiveDateTimeType().getValueAsString()).matches("\\d{4}");
			}
		}
		String text = FHIR.newJsonParser().encodeResourceToString(copy);
		assertThat(text).doesNotContain(implant.getSerialNumber(), patient.getNameFirstRep().getFamily(), patient.getIdentifierFirstRep().getValue(),
				"\"" + patientId() + "\"", "\"" + implant.getIdElement().toUnqualifiedVersionless().getValue() + "\"", "\"" + strip + "\"",
				"Task/" + review.getIdElement().getIdPart() + "\"");
	}

	@Test
	void aReviewerReadsTheirOwnAssignmentsAndCopiesAndNothingOfThePatientsRecord() throws Exception {
		submit(client, group, strip);
		IGenericClient first = as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES));
		Task theirs = onlyAssignment(first);
		Task others = onlyAssignment(secondReviewer);

		assertThat(status(() -> first.read().resource(Observation.class).withId(new IdType(strip)).execute())).as("the original").isIn(403, 404);
		assertThat(status(() -> first.read().resource(Patient.class).withId(patient.getIdElement().toUnqualifiedVersionless()).execute())).isEqualTo(403);
		assertThat(status(() -> first.read().resource(Task.class).withId(others.getIdElement().toUnqualifiedVersionless()).execute()))
				.as("another reviewer's assignment, as if absent").isEqualTo(404);
		assertThat(status(() -> first.search().forResource(Observation.class).returnBundle(Bundle.class).execute())).isEqualTo(403);
		assertThat(first.search().forResource(Task.class).where(Task.PATIENT.hasId(patientId())).returnBundle(Bundle.class).execute().getEntry())
				.as("the review Task, which names the patient").isEmpty();
		assertThat(status(() -> first.operation().onInstance(others.getIdElement().toUnqualifiedVersionless()).named("$submit-analysis")
				.withParameters(analysis("VT", VENTRICULAR_TACHYCARDIA)).returnResourceType(Task.class).execute())).isEqualTo(404);
		assertThat(theirs.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
	}

	@Test
	void onlyThoseWhoMayReadTheDataSetSendItAndOnlyReviewersAnalyse() throws Exception {
		String outsider = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		assertThat(status(() -> submit(as(personToken(Role.CLINICIAN, outsider, CLINICIAN_SCOPES)), group, strip)))
				.as("a clinician outside the patient's care team").isIn(403, 404);
		assertThat(status(() -> submit(as(personToken(Role.PATIENT, patientId(), "openid fhirUser launch/patient patient/*.cruds")), group, strip)))
				.as("the patient").isEqualTo(403);
		assertThat(status(() -> submit(FHIR.newRestfulGenericClient(fhirBase()), group, strip))).as("no token").isEqualTo(401);
		submit(client, group, strip);
		Task assignment = onlyAssignment(firstReviewer);
		assertThat(status(() -> client.operation().onInstance(assignment.getIdElement().toUnqualifiedVersionless()).named("$submit-analysis")
				.withParameters(analysis("VT", VENTRICULAR_TACHYCARDIA)).returnResourceType(Task.class).execute())).as("a system").isEqualTo(404);
		assertThat(status(() -> FHIR.newRestfulGenericClient(fhirBase()).operation().onInstance(assignment.getIdElement().toUnqualifiedVersionless())
				.named("$submit-analysis").withParameters(analysis("VT", VENTRICULAR_TACHYCARDIA)).returnResourceType(Task.class).execute()))
				.as("no token").isEqualTo(401);
		assertThat(status(() -> as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES)).operation()
				.onInstance(assignment.getIdElement().toUnqualifiedVersionless()).named("$submit-analysis")
				.withParameters(analysis("VT", VENTRICULAR_TACHYCARDIA)).returnResourceType(Task.class).execute()))
				.as("the patient's clinician, who is no reviewer").isEqualTo(404);
	}

	@Test
	void findingsThePhysicianAddsAfterSubmissionReachTheReviewersCopy() throws Exception {
		submit(client, group, strip);
		Observation palpitations = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(patientId()))
				.setCode(new CodeableConcept(new Coding(SNOMED, "80313002", "Palpitations")));
		palpitations.addFocus(new Reference(strip));
		String finding = create(palpitations);

		Bundle copy = client.read().resource(Bundle.class).withId(onlyAssignment(firstReviewer).getFocus().getReferenceElement()).execute();
		assertThat(copy.getEntry()).anySatisfy(entry -> assertThat(entry.getResource()).isInstanceOfSatisfying(Observation.class,
				observation -> assertThat(observation.getCode().getCodingFirstRep().getCode()).isEqualTo("80313002")));
		assertThat(FHIR.newJsonParser().encodeResourceToString(copy)).doesNotContain("Observation/" + finding + "\"");
	}

	@Test
	void withoutAGroupTheDataSetGoesToAGroupThatReadsItsKind() throws Exception {
		Parameters input = new Parameters();
		input.addParameter().setName("dataSet").setValue(new Reference(strip));
		Task review = client.operation().onServer().named("$submit-for-review").withParameters(input).returnResourceType(Task.class).execute();

		CareTeam chosen = client.read().resource(CareTeam.class).withId(review.getOwner().getReferenceElement()).execute();
		assertThat(chosen.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo(ReviewCodes.REVIEW_GROUP);
		assertThat(chosen.getExtensionByUrl(OpenImdUris.REVIEW_GROUP_EXTENSION).getExtensionsByUrl("reviews"))
				.extracting(kind -> ((Coding) kind.getValue()).getCode()).contains(OpenImdUris.ECG_STRIP);
	}

	@Test
	void aNewRecordingLikeAReviewedOneBringsBothEarlierDiagnosesToItsPhysicianAndAnUnlikeOneNothing() throws Exception {
		// A stretch of the record no other test sends for review, so that the earlier diagnoses found are this test's.
		Observation reviewed = SecondRecording.observation(12, 0, 12).setSubject(new Reference(patientId()))
				.setEffective(new DateTimeType("2026-01-05T09:20:00+01:00"));
		String reviewedStrip = "Observation/" + create(reviewed);
		submit(client, group, reviewedStrip);
		analyse(as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES)), onlyAssignment(firstReviewer), "VT", VENTRICULAR_TACHYCARDIA);
		analyse(as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES)), onlyAssignment(secondReviewer), "VT", VENTRICULAR_TACHYCARDIA);

		String unlike = "Observation/" + create(SecondRecording.anotherHeart(2, 5).setSubject(new Reference(patientId()))
				.setEffective(new DateTimeType("2026-02-05T09:20:00+01:00")));
		String like = "Observation/" + create(SecondRecording.observation(12, 0.7, 99).setSubject(new Reference(patientId()))
				.setEffective(new DateTimeType("2026-02-05T09:30:00+01:00")));

		IGenericClient physician = as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES));
		Communication notice = await().atMost(Duration.ofSeconds(30)).until(() -> similarCaseNotices(physician).stream()
				.filter(found -> found.getAbout().stream().anyMatch(about -> about.getReference().equals(like))).findFirst(), Optional::isPresent).get();
		assertThat(notice.getSubject().getReference()).isEqualTo(patientId());
		assertThat(notice.getAbout()).as("the earlier case is named by its diagnoses and score alone, never by its ids").hasSize(1);
		assertThat(notice.getReasonCode()).hasSize(2).allSatisfy(diagnosis -> assertThat(diagnosis.getCodingFirstRep().getCode()).isEqualTo("25569003"));
		assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("Ventricular tachycardia", "suggestion to confirm");
		assertThat(similarCaseNotices(physician)).as("the unlike recording, compared before the like one, found nothing")
				.noneMatch(found -> found.getAbout().stream().anyMatch(about -> about.getReference().equals(unlike)));

		Parameters similar = physician.operation().onServer().named("$find-similar").withParameters(new Parameters()
				.addParameter(new Parameters.ParametersParameterComponent().setName("dataSet").setValue(new Reference(like))))
				.returnResourceType(Parameters.class).execute();
		Parameters.ParametersParameterComponent best = similar.getParameter().stream().filter(parameter -> parameter.getName().equals("match"))
				.findFirst().orElseThrow();
		assertThat(best.getPart()).filteredOn(part -> part.getName().equals("analysis")).hasSize(2);
		assertThat(((org.hl7.fhir.r4.model.DecimalType) best.getPart().stream().filter(part -> part.getName().equals("score")).findFirst().orElseThrow()
				.getValue()).getValueAsNumber().doubleValue()).isGreaterThanOrEqualTo(0.85);
		Parameters findLike = new Parameters().addParameter(new Parameters.ParametersParameterComponent().setName("dataSet").setValue(new Reference(like)));
		assertThat(status(() -> as(personToken(Role.PATIENT, patientId(), "openid fhirUser launch/patient patient/*.cruds")).operation().onServer()
				.named("$find-similar").withParameters(findLike).returnResourceType(Parameters.class).execute())).as("the patient").isEqualTo(403);
		String outsider = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		// A clinician of another patient may use the operation; this patient's data set is out of their reach.
		String otherPatient = "Patient/" + create(new Patient().addIdentifier(uniqueIdentifier()));
		create(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(otherPatient))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(outsider))));
		assertThat(status(() -> as(personToken(Role.CLINICIAN, outsider, CLINICIAN_SCOPES)).operation().onServer().named("$find-similar")
				.withParameters(findLike).returnResourceType(Parameters.class).execute())).as("a clinician outside the care team").isEqualTo(404);
		Parameters findMissing = new Parameters().addParameter(new Parameters.ParametersParameterComponent().setName("dataSet")
				.setValue(new Reference("Observation/999999999")));
		assertThat(status(() -> as(personToken(Role.CLINICIAN, outsider, CLINICIAN_SCOPES)).operation().onServer().named("$find-similar")
				.withParameters(findMissing).returnResourceType(Parameters.class).execute())).as("the same as for no such data set").isEqualTo(404);
		assertThat(status(() -> FHIR.newRestfulGenericClient(fhirBase()).operation().onServer().named("$find-similar").withParameters(findLike)
				.returnResourceType(Parameters.class).execute())).as("no token").isEqualTo(401);
	}

	@Test
	void aNewInterrogationLikeAReviewedOneBringsItsDiagnosesToThePhysicianAndAnUnlikeOneNothing() throws Exception {
		submit(client, group, report);
		analyse(as(personToken(Role.REVIEWER, firstReviewer, REVIEWER_SCOPES)), onlyAssignment(firstReviewer), "VT, terminated by ATP", VENTRICULAR_TACHYCARDIA);
		analyse(as(personToken(Role.REVIEWER, secondReviewer, REVIEWER_SCOPES)), onlyAssignment(secondReviewer), "VT", VENTRICULAR_TACHYCARDIA);
		String reviewed = measurementsOf(report);

		// Two later interrogations of the same device (another OBR-3 each): one drawn afresh, one with every number within 3 % of the reviewed one.
		String unlikeMessage = new IdcoMessageGenerator(IdcoTermTable.load(), prefix).interrogation(1, 1);
		assertThat(postHl7v2(unlikeMessage)).contains("MSA|AA|");
		assertThat(postHl7v2(Interrogations.measuredAgain(message, prefix + "-1-0", prefix + "-1-9", 0.03, 9))).contains("MSA|AA|");

		IGenericClient physician = as(personToken(Role.CLINICIAN, clinician, CLINICIAN_SCOPES));
		Communication notice = await().atMost(Duration.ofSeconds(30)).until(() -> similarCaseNotices(physician).stream()
				// Not the notice about this test's ECG strip, which may resemble a strip another test had diagnosed.
				.filter(found -> found.getAbout().size() == 1 && !List.of(reviewed, strip).contains(found.getAbout().get(0).getReference())).findFirst(),
				Optional::isPresent).get();
		String like = notice.getAbout().get(0).getReference();
		Observation likeMeasurements = physician.read().resource(Observation.class).withId(like).execute();
		assertThat(likeMeasurements.getSubject().getReference()).isEqualTo(patientId());
		assertThat(likeMeasurements.getIdentifierFirstRep().getValue()).endsWith(prefix + "-1-9");
		assertThat(notice.getReasonCode()).hasSize(2).allSatisfy(diagnosis -> assertThat(diagnosis.getCodingFirstRep().getCode()).isEqualTo("25569003"));
		assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("Ventricular tachycardia", "suggestion to confirm");
		String unlike = physician.search().forResource(Observation.class).where(Observation.SUBJECT.hasId(patientId()))
				.where(Observation.CODE.exactly().systemAndCode(OpenImdUris.CARDX_CIED_CODE_SYSTEM, OpenImdUris.CARDX_IDCO)).returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue())
				.filter(found -> !found.equals(reviewed) && !found.equals(like)).findFirst().orElseThrow();
		assertThat(similarCaseNotices(physician)).as("the unlike interrogation, compared before the like one, found nothing")
				.noneMatch(found -> found.getAbout().stream().anyMatch(about -> about.getReference().equals(unlike)));

		String likeReport = single(physician.search().forResource(DiagnosticReport.class).where(DiagnosticReport.RESULT.hasId(like))
				.returnBundle(Bundle.class).execute(), DiagnosticReport.class).getIdElement().toUnqualifiedVersionless().getValue();
		Parameters similar = physician.operation().onServer().named("$find-similar").withParameters(new Parameters()
				.addParameter(new Parameters.ParametersParameterComponent().setName("dataSet").setValue(new Reference(likeReport))))
				.returnResourceType(Parameters.class).execute();
		Parameters.ParametersParameterComponent best = similar.getParameter().stream().filter(parameter -> parameter.getName().equals("match"))
				.findFirst().orElseThrow();
		assertThat(((Reference) best.getPart().get(0).getValue()).getReference()).isEqualTo(reviewed);
		assertThat(best.getPart()).filteredOn(part -> part.getName().equals("analysis")).hasSize(2);
		assertThat(((StringType) similar.getParameter().get(0).getValue()).getValue()).as("the interrogation method's version").isEqualTo("2026.1");
		Parameters findLike = new Parameters().addParameter(new Parameters.ParametersParameterComponent().setName("dataSet").setValue(new Reference(likeReport)));
		String outsider = "Practitioner/" + create(new Practitioner().addIdentifier(uniqueIdentifier()));
		assertThat(status(() -> as(personToken(Role.CLINICIAN, outsider, CLINICIAN_SCOPES)).operation().onServer().named("$find-similar")
				.withParameters(findLike).returnResourceType(Parameters.class).execute())).as("a clinician outside the care team").isIn(403, 404);
	}

	/** A failure of the {@code theNth} notice of {@code theTopic}, planted for when it is stored. */
	private static PlantedFailure noticeOf(String theTopic, int theNth) {
		return new PlantedFailure(resource -> resource instanceof Communication notice
				&& theTopic.equals(notice.getTopic().getCodingFirstRep().getCode()), theNth);
	}

	/** The IdcoObservation an interrogation report names as its result. */
	private String measurementsOf(String theReport) {
		return client.read().resource(DiagnosticReport.class).withId(theReport).execute().getResultFirstRep().getReference();
	}

	private static List<Communication> similarCaseNotices(IGenericClient theReader) {
		return theReader.search().forResource(Communication.class).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> (Communication) entry.getResource())
				.filter(found -> ReviewCodes.SIMILAR_CASE.equals(found.getTopic().getCodingFirstRep().getCode())).toList();
	}

	private String reviewGroup(boolean theOpen, String theAssignment, String... theMembers) {
		return "CareTeam/" + create(ReviewGroupInput.group(theOpen, theAssignment, theMembers));
	}

	private static Task submit(IGenericClient theClient, String theGroup, String... theDataSet) {
		return theClient.operation().onServer().named("$submit-for-review").withParameters(ReviewGroupInput.submission(theGroup, theDataSet))
				.returnResourceType(Task.class).execute();
	}

	private static Parameters analysis(String theConclusion, CodeableConcept theCode) {
		Parameters input = new Parameters();
		input.addParameter().setName("conclusion").setValue(new StringType(theConclusion));
		input.addParameter().setName("conclusionCode").setValue(theCode.copy());
		return input;
	}

	private static Task analyse(IGenericClient theReviewer, Task theAssignment, String theConclusion, CodeableConcept theCode) {
		return theReviewer.operation().onInstance(theAssignment.getIdElement().toUnqualifiedVersionless()).named("$submit-analysis")
				.withParameters(analysis(theConclusion, theCode)).returnResourceType(Task.class).execute();
	}

	/** The reviewer's one assignment, as their own search finds it. */
	private static Task onlyAssignment(IGenericClient theReviewer) {
		Bundle found = theReviewer.search().forResource(Task.class).returnBundle(Bundle.class).execute();
		assertThat(found.getEntry()).hasSize(1);
		return (Task) found.getEntry().get(0).getResource();
	}

	/** A member's one assignment, as the server's full-access client finds it. */
	private Task onlyAssignment(String theMember) {
		return single(client.search().forResource(Task.class).where(Task.OWNER.hasId(theMember)).returnBundle(Bundle.class).execute(), Task.class);
	}

	private Task assignmentOf(Task theReview, String theMember) {
		return single(client.search().forResource(Task.class).where(Task.OWNER.hasId(theMember))
				.where(Task.PART_OF.hasId(theReview.getIdElement().toUnqualifiedVersionless())).returnBundle(Bundle.class).execute(), Task.class);
	}

	private static String agreementOf(Task theReview) {
		return theReview.getOutput().stream().filter(output -> ReviewCodes.AGREEMENT.equals(output.getType().getCodingFirstRep().getCode()))
				.map(output -> ((CodeableConcept) output.getValue()).getCodingFirstRep().getCode()).findFirst().orElse(null);
	}

	private String create(Resource theResource) {
		return client.create().resource(theResource).execute().getId().getIdPart();
	}

	private String patientId() {
		return patient.getIdElement().toUnqualifiedVersionless().getValue();
	}

	private static int status(ThrowingCall theCall) {
		try {
			theCall.run();
			return 200;
		} catch (BaseServerResponseException e) {
			return e.getStatusCode();
		} catch (Exception e) {
			throw new AssertionError(e);
		}
	}

	interface ThrowingCall {
		void run() throws Exception;
	}
}
