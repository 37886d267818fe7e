package org.openimd.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The triage worklist's first page, read from OpenIMD's ordered table of open review Tasks, is the
 * page HAPI's own sorting shows; the table follows every change of a Task; and the security gate's
 * narrowing still applies.
 */
class ReviewWorklistIT extends BaseServerIT {

	private static final String WORKLIST = "Task?code=" + OpenImdUris.REMOTE_MONITORING_SYSTEM + "|" + OpenImdUris.TRANSMISSION_REVIEW
			+ "&_sort=triage-rank,authored-on";
	private static final String OPEN = "&status=requested,in-progress";
	private static final String PATIENT_SCOPES = "openid fhirUser launch/patient patient/*.cruds";

	@Autowired
	JdbcTemplate jdbc;

	private String myPatient;
	/** Stat review Tasks authored in 1990, before any other test's: the worklist's first, in this order. */
	private final List<String> myFirstTasks = new ArrayList<>();
	private final List<String> myOtherTasks = new ArrayList<>();

	@BeforeEach
	void reviewTasksOlderThanAnyOther() {
		myPatient = stored(new Patient().addIdentifier(uniqueIdentifier()));
		for (int day = 1; day <= 5; day++) {
			myFirstTasks.add(stored(reviewTask(myPatient, day % 2 == 0 ? TaskStatus.INPROGRESS : TaskStatus.REQUESTED, 1, "1990-01-0" + day)));
		}
		// Older still, but not on the worklist: closed, or not a review.
		myOtherTasks.add(stored(reviewTask(myPatient, TaskStatus.COMPLETED, 1, "1989-01-01")));
		myOtherTasks.add(stored(reviewTask(myPatient, TaskStatus.REQUESTED, 1, "1989-01-02").setCode(null)));
	}

	/** Off the worklist again, so that the next test's Tasks are its first. */
	@AfterEach
	void deleteTheTasks() {
		myFirstTasks.forEach(this::delete);
		myOtherTasks.forEach(this::delete);
	}

	/*
	 * A write to a Task that was just read can meet the audit writer recording that read and be refused
	 * with 409 (a known conflict between writes and the asynchronous audit trail); the writes here are
	 * tried again until the writer is done.
	 */

	private void delete(String theTask) {
		untilNoConflict(() -> client.delete().resourceById("Task", theTask).execute());
	}

	private void update(String theTask, UnaryOperator<Task> theChange) {
		untilNoConflict(() -> client.update().resource(theChange.apply(client.read().resource(Task.class).withId(theTask).execute())).execute());
	}

	private static void untilNoConflict(Runnable theWrite) {
		await().atMost(Duration.ofSeconds(20)).ignoreException(ResourceVersionConflictException.class).until(() -> {
			theWrite.run();
			return true;
		});
	}

	private static Task reviewTask(String thePatient, TaskStatus theStatus, int theRank, String theAuthored) {
		Task task = new Task().setStatus(theStatus).setIntent(Task.TaskIntent.ORDER).setFor(new Reference("Patient/" + thePatient))
				.setAuthoredOnElement(new DateTimeType(theAuthored + "T08:00:00Z"));
		task.getCode().addCoding().setSystem(OpenImdUris.REMOTE_MONITORING_SYSTEM).setCode(OpenImdUris.TRANSMISSION_REVIEW);
		task.addExtension(OpenImdUris.TRIAGE_RANK_EXTENSION, new IntegerType(theRank));
		return task;
	}

	/** The worklist's first page as the web app asks for it: one page, nothing kept for later. */
	private static List<String> firstPage(IGenericClient theClient, String theSearch, int theSize) {
		return ids(theClient.search().byUrl(theSearch + "&_count=" + theSize).returnBundle(Bundle.class)
				.cacheControl(new CacheControlDirective().setNoStore(true).setMaxResults(theSize)).execute());
	}

	/** The same page through HAPI's own plan: a search whose pages HAPI keeps is never confined. */
	private List<String> pagedByHapi(String theSearch, int theSize) {
		return ids(client.search().byUrl(theSearch + "&_count=" + theSize).returnBundle(Bundle.class).execute());
	}

	private static List<String> ids(Bundle theBundle) {
		return theBundle.getEntry().stream().filter(entry -> entry.getResource() instanceof Task)
				.map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
	}

	@Test
	void theFirstPageIsThePageHapisOwnSortingShows() {
		assertThat(firstPage(client, WORKLIST + OPEN, 5)).containsExactlyElementsOf(myFirstTasks).isEqualTo(pagedByHapi(WORKLIST + OPEN, 5));
		assertThat(firstPage(client, WORKLIST + OPEN, 3)).containsExactlyElementsOf(myFirstTasks.subList(0, 3));
		assertThat(firstPage(client, WORKLIST + "&status=in-progress", 2)).containsExactly(myFirstTasks.get(1), myFirstTasks.get(3))
				.isEqualTo(pagedByHapi(WORKLIST + "&status=in-progress", 2));
		// _offset: HAPI loads the skipped Tasks too.
		assertThat(ids(client.search().byUrl(WORKLIST + OPEN + "&_count=2&_offset=2").returnBundle(Bundle.class).execute()))
				.containsExactlyElementsOf(myFirstTasks.subList(2, 4));
	}

	@Test
	void aTaskLeavesTheWorklistWhenClosedOrDeletedAndComesBackWhenReopened() {
		update(myFirstTasks.get(0), task -> task.setStatus(TaskStatus.COMPLETED));
		delete(myFirstTasks.get(1));

		assertThat(firstPage(client, WORKLIST + OPEN, 3)).containsExactlyElementsOf(myFirstTasks.subList(2, 5));

		update(myFirstTasks.get(0), task -> task.setStatus(TaskStatus.INPROGRESS));

		assertThat(firstPage(client, WORKLIST + OPEN, 3)).containsExactly(myFirstTasks.get(0), myFirstTasks.get(2), myFirstTasks.get(3));
	}

	@Test
	void theFirstPageIsReadFromTheTableAndAnyOtherSearchFromHapi() {
		String unlisted = myFirstTasks.get(0);
		jdbc.update("delete from openimd_review_worklist where task_id = ?", unlisted);
		try {
			assertThat(firstPage(client, WORKLIST + OPEN, 2)).containsExactly(myFirstTasks.get(1), myFirstTasks.get(2));
			assertThat(pagedByHapi(WORKLIST + OPEN, 2)).containsExactly(unlisted, myFirstTasks.get(1));
			assertThat(firstPage(client, WORKLIST + OPEN + "&patient=Patient/" + myPatient, 2)).as("another parameter")
					.containsExactly(unlisted, myFirstTasks.get(1));
			assertThat(firstPage(client, WORKLIST + OPEN + "&_lastUpdated=gt2000-01-01", 2)).as("_lastUpdated")
					.containsExactly(unlisted, myFirstTasks.get(1));
		} finally {
			update(unlisted, task -> task.setDescription("back on the worklist"));
		}
		assertThat(firstPage(client, WORKLIST + OPEN, 2)).containsExactly(unlisted, myFirstTasks.get(1));
	}

	@Test
	void aPatientsAppFindsOnlyThePatientsOwnTasksOnTheWorklist() throws Exception {
		String otherPatient = stored(new Patient().addIdentifier(uniqueIdentifier()));
		String othersTask = stored(reviewTask(otherPatient, TaskStatus.REQUESTED, 1, "1980-01-01"));
		myOtherTasks.add(othersTask);
		IGenericClient otherPatientsApp = as(personToken(Role.PATIENT, "Patient/" + otherPatient, PATIENT_SCOPES));
		IGenericClient patientsApp = as(personToken(Role.PATIENT, "Patient/" + myPatient, PATIENT_SCOPES));

		assertThat(firstPage(client, WORKLIST + OPEN, 1)).as("the clinic's first").containsExactly(othersTask);
		assertThat(firstPage(otherPatientsApp, WORKLIST + OPEN, 1)).containsExactly(othersTask);
		assertThat(firstPage(patientsApp, WORKLIST + OPEN, 2)).containsExactlyElementsOf(myFirstTasks.subList(0, 2));

		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(WORKLIST + OPEN + "&_count=2");
		Bundle answered = patientsApp.transaction().withBundle(batch).withAdditionalHeader("Cache-Control", "no-store, max-results=2").execute();
		assertThat(ids((Bundle) answered.getEntryFirstRep().getResource())).containsExactlyElementsOf(myFirstTasks.subList(0, 2));

		assertThat(refusal(() -> as("not-a-token").search().byUrl(WORKLIST + OPEN + "&_count=2").returnBundle(Bundle.class)
				.cacheControl(new CacheControlDirective().setNoStore(true).setMaxResults(2)).execute())).isEqualTo(401);
	}
}
