package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;

/** The Tasks remote monitoring gives a clinic: for a patient, owned by their care team, found again by their identifier. */
final class ClinicTasks {

	private final DaoRegistry myDaos;
	private final Clock myClock;

	ClinicTasks(DaoRegistry theDaos, Clock theClock) {
		myDaos = theDaos;
		myClock = theClock;
	}

	/** A new Task of {@code theCode} (remote-monitoring) for {@code thePatient}, owned by their care team, identified by {@code theIdentifier}. */
	Task newTask(String theCode, String theDisplay, Reference thePatient, String theIdentifierSystem, String theIdentifier) {
		Task task = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER).setFor(thePatient.copy())
				.setAuthoredOnElement(new DateTimeType(Date.from(myClock.instant())));
		task.addIdentifier().setSystem(theIdentifierSystem).setValue(theIdentifier);
		task.getCode().addCoding(new Coding(OpenImdUris.REMOTE_MONITORING_SYSTEM, theCode, theDisplay));
		careTeam(thePatient).ifPresent(team -> task.setOwner(new Reference(team)));
		return task;
	}

	Optional<Task> find(String theIdentifierSystem, String theIdentifier) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(Task.SP_IDENTIFIER, new TokenParam(theIdentifierSystem, theIdentifier));
		return myDaos.getResourceDao(Task.class).search(search, new SystemRequestDetails()).getAllResources().stream().map(Task.class::cast).findFirst();
	}

	/** The patient's care team (not a review group), which owns the clinic's Tasks. */
	private Optional<String> careTeam(Reference thePatient) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(CareTeam.SP_SUBJECT, new ReferenceParam(thePatient.getReference()))
				.add(CareTeam.SP_STATUS, new TokenParam("active"));
		return myDaos.getResourceDao(CareTeam.class).search(search, new SystemRequestDetails()).getAllResources().stream().map(CareTeam.class::cast)
				.filter(team -> team.getCategory().stream().noneMatch(category -> category.hasCoding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.REVIEW_GROUP)))
				.map(team -> team.getIdElement().toUnqualifiedVersionless().getValue()).findFirst();
	}
}
