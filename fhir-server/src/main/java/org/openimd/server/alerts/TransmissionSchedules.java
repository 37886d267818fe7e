package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.openimd.terminology.alerts.AlertKnowledge.Schedule;

/**
 * Each device's transmission schedule, as a CarePlan: after each transmission the next is due within
 * the longest interval its device kind allows (every 12 months a pacemaker, 6 an ICD or loop recorder;
 * 3 once its battery is at RRT/ERI). A transmission that arrives closes the missed-transmission Tasks
 * still open on the schedule and records the device as connected ({@link ConnectivityStatus}).
 */
final class TransmissionSchedules {

	private final DaoRegistry myDaos;
	private final AlertKnowledge myKnowledge;

	TransmissionSchedules(DaoRegistry theDaos, AlertKnowledge theKnowledge) {
		myDaos = theDaos;
		myKnowledge = theKnowledge;
	}

	/**
	 * Adds to {@code theTransaction} the device's schedule from {@code theSession} on, unless it already
	 * counts from a later transmission, and the completion of the misses this transmission ends.
	 */
	void received(Bundle theTransaction, Reference thePatient, Reference theDevice, String theKind, Date theSession, boolean theBatteryDepleting) {
		Optional<Schedule> schedule = myKnowledge.schedule(theBatteryDepleting ? "battery-depletion" : theKind);
		if (schedule.isEmpty()) {
			return;
		}
		Optional<CarePlan> stored = of(theDevice);
		if (stored.isPresent() && stored.get().getPeriod().hasStart() && stored.get().getPeriod().getStart().after(theSession)) {
			return;
		}
		Date due = Date.from(theSession.toInstant().atZone(ZoneOffset.UTC).plusMonths(schedule.get().months()).toInstant());
		CarePlan plan = new CarePlan().setStatus(CarePlan.CarePlanStatus.ACTIVE).setIntent(CarePlan.CarePlanIntent.PLAN)
				.setSubject(thePatient.copy()).setTitle("Remote transmissions of " + theDevice.getReference()).setPeriod(new Period().setStart(theSession));
		plan.addIdentifier().setSystem(OpenImdUris.TRANSMISSION_SCHEDULE_IDENTIFIER).setValue(theDevice.getReference());
		plan.addCategory(new CodeableConcept(new Coding(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.TRANSMISSION_SCHEDULE, "Transmission schedule")));
		plan.addSupportingInfo(theDevice.copy());
		plan.addActivity().getDetail().setStatus(CarePlan.CarePlanActivityStatus.SCHEDULED)
				.setScheduled(new Period().setStart(theSession).setEnd(due))
				.setCode(new CodeableConcept(new Coding(OpenImdUris.REMOTE_MONITORING_SYSTEM, "transmission", "Transmission")))
				.setDescription("The next transmission, due " + schedule.get().months() + " months after the last (" + schedule.get().device() + ", "
						+ schedule.get().citation() + ")");
		theTransaction.addEntry().setResource(plan).getRequest().setMethod(Bundle.HTTPVerb.PUT)
				.setUrl("CarePlan?identifier=" + OpenImdUris.TRANSMISSION_SCHEDULE_IDENTIFIER + "|" + theDevice.getReference());
		theTransaction.addEntry(ConnectivityStatus.connected(thePatient, theDevice, theSession, due));
		stored.ifPresent(existing -> openMisses(existing).forEach(missed -> {
			missed.setStatus(Task.TaskStatus.COMPLETED).getStatusReason().setText("a transmission arrived: " + theSession.toInstant());
			theTransaction.addEntry().setResource(missed).getRequest().setMethod(Bundle.HTTPVerb.PUT)
					.setUrl("Task/" + missed.getIdElement().getIdPart());
		}));
	}

	private Optional<CarePlan> of(Reference theDevice) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add(CarePlan.SP_IDENTIFIER,
				new TokenParam(OpenImdUris.TRANSMISSION_SCHEDULE_IDENTIFIER, theDevice.getReference()));
		return myDaos.getResourceDao(CarePlan.class).search(search, new SystemRequestDetails()).getAllResources().stream().map(CarePlan.class::cast)
				.findFirst();
	}

	/** The missed-transmission Tasks still open on {@code thePlan}. */
	List<Task> openMisses(CarePlan thePlan) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(Task.SP_FOCUS, new ReferenceParam(thePlan.getIdElement().toUnqualifiedVersionless().getValue()))
				.add(Task.SP_CODE, new TokenParam(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.MISSED_TRANSMISSION));
		return myDaos.getResourceDao(Task.class).search(search, new SystemRequestDetails()).getAllResources().stream().map(Task.class::cast)
				.filter(task -> task.getStatus() == Task.TaskStatus.REQUESTED || task.getStatus() == Task.TaskStatus.INPROGRESS).toList();
	}
}
