package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.alerts.AlertJudge.Alert;
import org.openimd.server.alerts.Transmission.Reading;
import org.openimd.server.fhir.InOrderTransactions;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.openimd.terminology.alerts.AlertKnowledge.Priority;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.task.TaskExecutor;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * Judges each new transmission (an interrogation, or a pump's status reading) once its transaction has
 * committed, in the background: every alert
 * the rules raise becomes a DetectedIssue (the rule as {@code code}, its priority as {@code severity},
 * the measurements as {@code evidence}, the device and the report {@code implicated}), and the
 * transmission gets one triage Task, whether it alerts or not, so that none goes unseen: {@code stat}
 * for a red alert, {@code urgent} for a yellow one, else {@code routine}; focused on the report, for
 * the patient, owned by their care team, the alerts as inputs. The Task and its alerts are stored in
 * one transaction with the device's renewed transmission schedule, conditionally on the
 * transmission's triage identifier, so a transmission is triaged once however often it is announced.
 *
 * <p>An alert whose condition is already open (the same rule, device and reading raised within the
 * suppression window and not yet acknowledged by a {@code mitigation}) is not raised again unless its
 * value is worse; an acknowledged one stays quiet until the value changes.
 */
class TransmissionTriage {

	private static final Logger ourLog = LoggerFactory.getLogger(TransmissionTriage.class);

	private final DaoRegistry myDaos;
	private final InOrderTransactions myTransactions;
	private final AlertJudge myJudge;
	private final AlertSuppression mySuppression;
	private final AlertKnowledge myKnowledge;
	private final IntrathecalKnowledge myPumps;
	private final ClinicTasks myTasks;
	private final TransmissionSchedules mySchedules;
	private final TaskExecutor myBackground;
	private final MeterRegistry myMeters;
	private final Clock myClock;

	TransmissionTriage(DaoRegistry theDaos, InOrderTransactions theTransactions, AlertJudge theJudge, AlertSuppression theSuppression,
			AlertKnowledge theKnowledge, IntrathecalKnowledge thePumps, ClinicTasks theTasks, TransmissionSchedules theSchedules, TaskExecutor theBackground,
			MeterRegistry theMeters, Clock theClock) {
		myDaos = theDaos;
		myTransactions = theTransactions;
		myJudge = theJudge;
		mySuppression = theSuppression;
		myKnowledge = theKnowledge;
		myPumps = thePumps;
		myTasks = theTasks;
		mySchedules = theSchedules;
		myBackground = theBackground;
		myMeters = theMeters;
		myClock = theClock;
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT, fallbackExecution = true)
	void arrived(TransmissionArrived theArrival) {
		myBackground.execute(() -> {
			try {
				triage(theArrival.transmission());
			} catch (RuntimeException e) {
				// the transmission is stored; what failed is its triage, which a later look at it can redo
				ourLog.error("Triage of {} failed", theArrival.transmission(), e);
			}
		});
	}

	/** A transmission as the triage reads it: what it is, whose, from which device, its measurements (null when it has none). */
	private record Sent(String transmission, Reference subject, Reference device, Observation measurements, Transmission judged,
			Optional<Date> session) {}

	/** Makes the triage Task of {@code theTransmission} ({@code DiagnosticReport/…} or {@code Observation/…}) unless it exists. */
	private void triage(String theTransmission) {
		if (myTasks.find(OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER, theTransmission).isPresent()) {
			return;
		}
		Sent sent = theTransmission.startsWith("DiagnosticReport/") ? interrogation(theTransmission) : pumpReading(theTransmission);
		List<Alert> judged = myJudge.judge(sent.judged());
		List<Alert> raised = mySuppression.newOrWorse(judged, sent.subject(), sent.device());

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Priority highest = raised.stream().map(Alert::priority).min(Comparator.naturalOrder()).orElse(Priority.INFO);
		Task task = task(sent, highest);
		for (Alert alert : raised) {
			String fullUrl = "urn:uuid:" + UUID.randomUUID();
			transaction.addEntry().setFullUrl(fullUrl).setResource(detectedIssue(alert, sent)).getRequest().setMethod(Bundle.HTTPVerb.POST)
					.setUrl("DetectedIssue");
			task.addInput().setValue(new Reference(fullUrl)).getType().addCoding(new Coding(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.ALERT_INPUT,
					"Alert"));
		}
		transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(task).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Task")
				.setIfNoneExist("identifier=" + OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER + "|" + theTransmission);
		if (sent.session().isPresent() && sent.judged().deviceKind().isPresent() && sent.device().hasReference()) {
			boolean depleting = judged.stream().anyMatch(alert -> alert.rule().id().startsWith("ALERT-BATT-"));
			mySchedules.received(transaction, sent.subject(), sent.device(), sent.judged().deviceKind().get(), sent.session().get(), depleting);
		}
		myTransactions.store(transaction);
		myMeters.counter("openimd.triage.transmissions", "priority", task.getPriority().toCode()).increment();
	}

	/**
	 * An interrogation: its measurements, judged against the same device's previous interrogation. One
	 * that names no device or carries no measurements is judged as what it is, nothing, and still gets
	 * its Task: no transmission goes unseen.
	 */
	private Sent interrogation(String theReport) {
		DiagnosticReport report = (DiagnosticReport) myDaos.getResourceDao(DiagnosticReport.class).read(new IdType(theReport), system());
		Extension interrogated = report.getExtensionByUrl(OpenImdUris.INTERROGATED_DEVICE_EXTENSION);
		Reference device = interrogated != null && interrogated.getValue() instanceof Reference named ? named : new Reference();
		Optional<Observation> measurements = measurements(report);
		Optional<Observation> previous = device.hasReference() ? previousReport(report, device).flatMap(this::measurements) : Optional.empty();
		Transmission judged = measurements.map(found -> Transmission.of(found, previous))
				.orElseGet(() -> new Transmission(Optional.empty(), List.of(), List.of()));
		return new Sent(theReport, report.getSubject(), device, measurements.orElse(null), judged,
				Optional.ofNullable(report.hasEffectiveDateTimeType() ? report.getEffectiveDateTimeType().getValue() : null));
	}

	/** A pump's status reading: what the pump reports, judged by the rules of its family. */
	private Sent pumpReading(String theReading) {
		Observation reading = (Observation) myDaos.getResourceDao(Observation.class).read(new IdType(theReading), system());
		Device pump = (Device) myDaos.getResourceDao(Device.class).read(new IdType(reading.getDevice().getReference()), system());
		Optional<String> family = myPumps.pumpModel(pump).map(IntrathecalKnowledge.PumpModel::family);
		return new Sent(theReading, reading.getSubject(), reading.getDevice(), reading, new Transmission(family, Transmission.readings(reading), List.of()),
				Optional.empty());
	}

	private Optional<Observation> measurements(DiagnosticReport theReport) {
		return theReport.getResult().stream().findFirst().map(result -> (Observation) myDaos.getResourceDao(Observation.class)
				.read(new IdType(result.getReference()), system()));
	}

	/**
	 * The device's interrogation before this one: its latest report of an earlier session, found by the
	 * database (a device interrogated for years has hundreds of reports; reading them all for each new one
	 * made triage slower with every transmission).
	 */
	private Optional<DiagnosticReport> previousReport(DiagnosticReport theReport, Reference theDevice) {
		SearchParameterMap search = SearchParameterMap.newSynchronous().add("device", new ReferenceParam(theDevice.getReference()))
				.add(DiagnosticReport.SP_DATE, new DateParam(ParamPrefixEnum.LESSTHAN, theReport.getEffectiveDateTimeType().getValueAsString()));
		search.setSort(new SortSpec(DiagnosticReport.SP_DATE, SortOrderEnum.DESC));
		search.setCount(1);
		return myDaos.getResourceDao(DiagnosticReport.class).search(search, system()).getResources(0, 1).stream().map(DiagnosticReport.class::cast)
				.findFirst();
	}

	private Task task(Sent theSent, Priority theHighest) {
		Task task = myTasks.newTask(OpenImdUris.TRANSMISSION_REVIEW, "Transmission review", theSent.subject(), OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER,
				theSent.transmission()).setPriority(switch (theHighest) {
					case RED -> Task.TaskPriority.STAT;
					case YELLOW -> Task.TaskPriority.URGENT;
					case INFO -> Task.TaskPriority.ROUTINE;
				}).setFocus(new Reference(theSent.transmission()));
		task.addExtension(OpenImdUris.TRIAGE_RANK_EXTENSION, new IntegerType(theHighest.ordinal() + 1));
		task.setDescription(theSent.device().hasReference() ? "Review the transmission of " + theSent.device().getReference() : "Review the transmission");
		return task;
	}

	/** What an alert rests on: the measurements (an alert is only ever raised on some). */
	private static String evidence(Sent theSent) {
		return theSent.measurements().getIdElement().toUnqualifiedVersionless().getValue();
	}

	private DetectedIssue detectedIssue(Alert theAlert, Sent theSent) {
		DetectedIssue issue = new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL)
				.setCode(new CodeableConcept(new Coding(OpenImdUris.ALERT_RULE_SYSTEM, theAlert.rule().id(), theAlert.rule().alert())))
				.setSeverity(switch (theAlert.priority()) {
					case RED -> DetectedIssue.DetectedIssueSeverity.HIGH;
					case YELLOW -> DetectedIssue.DetectedIssueSeverity.MODERATE;
					case INFO -> DetectedIssue.DetectedIssueSeverity.LOW;
				})
				.setPatient(theSent.subject().copy())
				.setIdentified(new DateTimeType(Date.from(myClock.instant()), TemporalPrecisionEnum.MILLI))
				.setDetail(theAlert.rule().alert() + ": " + theAlert.detail() + " (alert rules " + myKnowledge.version() + ", "
						+ theAlert.rule().citation() + ")");
		issue.addImplicated(theSent.device().copy());
		if (!theSent.transmission().equals(evidence(theSent))) {
			issue.addImplicated(new Reference(theSent.transmission()));
		}
		// The measurement judged, coded, so that a statistic can tell which lead channel an alert was about.
		CodeableConcept judged = new CodeableConcept().setText(AlertSuppression.conditionOf(theAlert));
		theAlert.evidence().stream().map(Reading::code).distinct().forEach(code -> judged.addCoding(new Coding(Mdc.SYSTEM, code, null)));
		issue.addEvidence().addDetail(new Reference(evidence(theSent))).addCode(judged);
		return issue;
	}

	private static SystemRequestDetails system() {
		return new SystemRequestDetails();
	}
}
