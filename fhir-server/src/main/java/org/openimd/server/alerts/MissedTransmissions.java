package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.openimd.terminology.OpenImdUris;

/**
 * A transmission not received by its due date plus the clinic's grace period raises, once per due
 * date, a {@code missed-transmission} Task for the clinic (focus the schedule) and a Communication to
 * the patient, and marks the device disconnected ({@link ConnectivityStatus}), in one transaction; the
 * next transmission that arrives completes the Task and connects the device again
 * ({@link TransmissionSchedules}). Without a grace period configured nothing is raised: the sources give
 * none, so the clinic must.
 */
final class MissedTransmissions {

	private final DaoRegistry myDaos;
	private final IFhirSystemDao<Bundle, ?> mySystemDao;
	private final ClinicTasks myTasks;
	private final Duration myGrace;

	MissedTransmissions(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, ClinicTasks theTasks, Duration theGrace) {
		myDaos = theDaos;
		mySystemDao = theSystemDao;
		myTasks = theTasks;
		myGrace = theGrace;
	}

	/** Raises what is missed as of {@code theNow}; answers how many. */
	int check(Instant theNow) {
		// only the schedules whose due date has passed by more than the grace period, not every patient's
		SearchParameterMap schedules = SearchParameterMap.newSynchronous()
				.add(CarePlan.SP_CATEGORY, new TokenParam(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.TRANSMISSION_SCHEDULE))
				.add(CarePlan.SP_STATUS, new TokenParam("active"))
				.add(CarePlan.SP_ACTIVITY_DATE, new DateParam(ParamPrefixEnum.ENDS_BEFORE, Date.from(theNow.minus(myGrace))));
		List<CarePlan> plans = myDaos.getResourceDao(CarePlan.class).search(schedules, new SystemRequestDetails()).getAllResources().stream()
				.map(CarePlan.class::cast).toList();
		int raised = 0;
		for (CarePlan plan : plans) {
			Date due = plan.getActivityFirstRep().getDetail().getScheduledPeriod().getEnd();
			String key = plan.getIdElement().toUnqualifiedVersionless().getValue() + "@" + due.toInstant();
			if (myTasks.find(OpenImdUris.MISSED_TRANSMISSION_IDENTIFIER, key).isPresent()) {
				continue;
			}
			raise(plan, due, key, theNow);
			raised++;
		}
		return raised;
	}

	private void raise(CarePlan thePlan, Date theDue, String theKey, Instant theNow) {
		Reference device = thePlan.getSupportingInfoFirstRep();
		LocalDate dueDay = LocalDate.ofInstant(theDue.toInstant(), ZoneOffset.UTC);
		Task task = myTasks.newTask(OpenImdUris.MISSED_TRANSMISSION, "Missed transmission", thePlan.getSubject(), OpenImdUris.MISSED_TRANSMISSION_IDENTIFIER, theKey)
				.setPriority(Task.TaskPriority.ROUTINE).setFocus(new Reference(thePlan.getIdElement().toUnqualifiedVersionless().getValue()));
		task.setDescription("No transmission from " + device.getReference() + " since it was due on " + dueDay + ": call the patient");
		Communication toThePatient = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(thePlan.getSubject().copy())
				.setSentElement(new DateTimeType(Date.from(theNow)));
		toThePatient.addRecipient(thePlan.getSubject().copy());
		toThePatient.addAbout(new Reference(thePlan.getIdElement().toUnqualifiedVersionless().getValue()));
		toThePatient.getTopic().addCoding().setSystem(OpenImdUris.REMOTE_MONITORING_SYSTEM).setCode(OpenImdUris.MISSED_TRANSMISSION);
		toThePatient.addPayload().setContent(new StringType("Your clinic has not received a transmission from your implanted device since it was due on "
				+ dueDay + ". Please check that your home monitor is plugged in and near you, or call your clinic."));
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Task")
				.setIfNoneExist("identifier=" + OpenImdUris.MISSED_TRANSMISSION_IDENTIFIER + "|" + theKey);
		transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(toThePatient).getRequest().setMethod(Bundle.HTTPVerb.POST)
				.setUrl("Communication");
		transaction.addEntry(ConnectivityStatus.disconnected(thePlan.getSubject(), device, thePlan.getPeriod().getStart(), theDue, Date.from(theNow)));
		mySystemDao.transaction(new SystemRequestDetails(), transaction);
	}
}
