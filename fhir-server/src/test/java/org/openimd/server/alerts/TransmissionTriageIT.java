package org.openimd.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.pump.PumpInput;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * Transmissions judged by the alert rules once they are stored: real-shaped ICD messages over HTTP,
 * their triage Task and DetectedIssues read back through the FHIR API, as a clinic's worklist reads them.
 */
class TransmissionTriageIT extends BaseServerIT {

	private static final String WORKLIST = "Task?code=" + OpenImdUris.REMOTE_MONITORING_SYSTEM + "|" + OpenImdUris.TRANSMISSION_REVIEW
			+ "&status=requested,in-progress&_sort=triage-rank,authored-on&_count=200";

	/** The triage Task of the transmission of {@code theSerial} on {@code theDay} (the message's OBR-3), once it is there. */
	private Task triageOf(String theSerial, String theDay) {
		DiagnosticReport report = (DiagnosticReport) client.search().byUrl("DiagnosticReport?identifier=" + OpenImdUris.INTERROGATION_IDENTIFIER
				+ "|STJ/CD2215-36/" + theSerial + "/" + theDay).returnBundle(Bundle.class).execute().getEntry().get(0).getResource();
		return triageOfTransmission(report.getIdElement().toUnqualifiedVersionless().getValue());
	}

	private Task triageOfTransmission(String theTransmission) {
		return await().atMost(Duration.ofSeconds(20)).until(() -> client.search()
				.byUrl("Task?identifier=" + OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER + "|" + theTransmission).returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> (Task) entry.getResource()).findFirst(), found -> found.isPresent()).orElseThrow();
	}

	private List<DetectedIssue> alertsOf(Task theTask) {
		return theTask.getInput().stream().map(input -> client.read().resource(DetectedIssue.class)
				.withUrl(((Reference) input.getValue()).getReference()).execute()).toList();
	}

	private static List<String> rules(List<DetectedIssue> theIssues) {
		return theIssues.stream().map(issue -> issue.getCode().getCodingFirstRep().getCode()).toList();
	}

	@Test
	void anIcdWithShocksAndAVtStormGetsAStatTaskWithItsAlertsWithinSecondsOfTheAck() throws Exception {
		String serial = "TRI" + UUID.randomUUID().toString().substring(0, 8);
		String ack = postHl7v2(TransmissionMessages.icdMessage(serial, "20261201", TransmissionMessages.vtEpisode(1, "20261129020000+0000"), TransmissionMessages.vtEpisode(2, "20261130020000+0000"),
				TransmissionMessages.vtEpisode(3, "20261130230000+0000"), "NM|737824^MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT^MDC|1|2|{shocks}"));
		assertThat(ack).contains("MSA|AA|");

		Task task = triageOf(serial, "20261201");

		assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.STAT);
		assertThat(((IntegerType) task.getExtensionByUrl(OpenImdUris.TRIAGE_RANK_EXTENSION).getValue()).getValue()).isEqualTo(1);
		assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
		assertThat(task.getFocus().getReference()).startsWith("DiagnosticReport/");
		List<DetectedIssue> alerts = alertsOf(task);
		assertThat(rules(alerts)).containsExactlyInAnyOrder("ALERT-VT-01", "ALERT-VT-01", "ALERT-VT-01", "ALERT-VT-02", "ALERT-VT-03");
		assertThat(alerts).filteredOn(issue -> issue.getCode().getCodingFirstRep().getCode().equals("ALERT-VT-02")).singleElement()
				.satisfies(storm -> {
					assertThat(storm.getSeverity()).isEqualTo(DetectedIssue.DetectedIssueSeverity.HIGH);
					assertThat(storm.getPatient().getReference()).isEqualTo(task.getFor().getReference());
					assertThat(storm.getImplicated()).extracting(Reference::getReference).contains(task.getFocus().getReference());
					assertThat(storm.getDetail()).contains("3 episodes within 48 h").contains("alert rules");
				});
	}

	@Test
	void anOngoingConditionIsNotRaisedAgainUntilItWorsensAndATransmissionWithoutAlertsStillGetsARoutineTask() throws Exception {
		String serial = "SUP" + UUID.randomUUID().toString().substring(0, 8);
		String lowImpedance = "NM|722433^MDC_IDC_MSMT_LEADCHNL_RV_IMPEDANCE_VALUE^MDC|1|";

		postHl7v2(TransmissionMessages.icdMessage(serial, "20261101", lowImpedance + "190|Ohm"));
		Task first = triageOf(serial, "20261101");
		assertThat(first.getPriority()).isEqualTo(Task.TaskPriority.STAT);
		assertThat(rules(alertsOf(first))).containsExactly("ALERT-LEAD-01");
		assertThat(alertsOf(first).get(0).getEvidenceFirstRep().getCodeFirstRep().getCoding()).as("the measurement judged, coded")
				.anyMatch(coding -> Mdc.SYSTEM.equals(coding.getSystem()) && "722433".equals(coding.getCode()));

		postHl7v2(TransmissionMessages.icdMessage(serial, "20261102", lowImpedance + "190|Ohm"));
		Task same = triageOf(serial, "20261102");
		assertThat(same.getIdElement().getIdPart()).isNotEqualTo(first.getIdElement().getIdPart());
		assertThat(same.getPriority()).as("unchanged and still open: quiet, yet the transmission is seen").isEqualTo(Task.TaskPriority.ROUTINE);
		assertThat(same.getInput()).isEmpty();

		postHl7v2(TransmissionMessages.icdMessage(serial, "20261103", lowImpedance + "150|Ohm"));
		List<DetectedIssue> worse = alertsOf(triageOf(serial, "20261103"));
		assertThat(rules(worse)).as("worse").containsExactly("ALERT-LEAD-01");

		// acknowledged: quiet until the value changes
		DetectedIssue acknowledged = worse.get(0);
		acknowledged.addMitigation().setDate(new Date()).getAction().setText("lead checked in clinic");
		client.update().resource(acknowledged).execute();
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261104", lowImpedance + "150|Ohm"));
		assertThat(triageOf(serial, "20261104").getInput()).isEmpty();
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261105", lowImpedance + "160|Ohm"));
		assertThat(rules(alertsOf(triageOf(serial, "20261105")))).containsExactly("ALERT-LEAD-01");
	}

	@Test
	void theWorklistListsTheMostUrgentFirstAndTheOldestFirstWithinAPriority() throws Exception {
		String routineSerial = "WLR" + UUID.randomUUID().toString().substring(0, 8);
		String statSerial = "WLS" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(routineSerial, "20261201"));
		Task routine = triageOf(routineSerial, "20261201");
		postHl7v2(TransmissionMessages.icdMessage(statSerial, "20261201", "NM|722624^MDC_IDC_MSMT_LEADHVCHNL_IMPEDANCE^MDC|1|250|Ohm"));
		Task stat = triageOf(statSerial, "20261201");

		// the worklist of a clinician caring for just these two patients
		List<String> worklist = client.search().byUrl(WORKLIST + "&patient=" + routine.getFor().getReference() + "," + stat.getFor().getReference())
				.returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> entry.getResource().getIdElement().getIdPart()).toList();

		assertThat(worklist).containsExactly(stat.getIdElement().getIdPart(), routine.getIdElement().getIdPart());
		assertThat(routine.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
		assertThat(stat.getPriority()).isEqualTo(Task.TaskPriority.STAT);
	}

	@Test
	void theTimesFromArrivalToFirstActionAndToCompletionAreMetrics() throws Exception {
		String serial = "MET" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261201", "NM|722624^MDC_IDC_MSMT_LEADHVCHNL_IMPEDANCE^MDC|1|250|Ohm"));
		Task task = triageOf(serial, "20261201");
		String before = metrics();

		task.setStatus(Task.TaskStatus.INPROGRESS);
		client.update().resource(task).execute();
		Task started = client.read().resource(Task.class).withId(task.getIdElement().toUnqualifiedVersionless()).execute();
		started.setStatus(Task.TaskStatus.COMPLETED);
		client.update().resource(started).execute();

		String after = metrics();
		assertThat(count(after, "openimd_triage_first_action_seconds_count")).isEqualTo(count(before, "openimd_triage_first_action_seconds_count") + 1);
		assertThat(count(after, "openimd_triage_completion_seconds_count")).isEqualTo(count(before, "openimd_triage_completion_seconds_count") + 1);
		assertThat(count(after, "openimd_triage_transmissions_total")).isPositive();
	}

	private String metrics() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient().send(authorized("/actuator/prometheus").build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

	/** The value of the stat-priority series {@code theName} in Prometheus' text, 0 before it exists. */
	private static long count(String theMetrics, String theName) {
		return theMetrics.lines().filter(line -> line.startsWith(theName + "{") && line.contains("priority=\"stat\""))
				.mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
	}

	@Test
	void aPumpReportingAMotorStallGetsAStatTaskAndALowReservoirAnUrgentOne() {
		String patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		String pump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference(patient))).execute().getId()
				.toUnqualifiedVersionless().getValue();

		Task stalled = triageOfTransmission(postPumpReading(patient, pump, "motor-stall"));
		assertThat(stalled.getPriority()).isEqualTo(Task.TaskPriority.STAT);
		assertThat(rules(alertsOf(stalled))).containsExactly("ALERT-PUMP-03");
		assertThat(alertsOf(stalled).get(0).getImplicated()).extracting(Reference::getReference).containsExactly(pump);

		Task low = triageOfTransmission(postPumpReading(patient, pump, "low-reservoir"));
		assertThat(low.getPriority()).isEqualTo(Task.TaskPriority.URGENT);
		assertThat(rules(alertsOf(low))).containsExactly("ALERT-PUMP-01");
	}

	private String postPumpReading(String thePatient, String thePump, String theAlarm) {
		return client.create().resource(PumpInput.statusReading(thePatient, thePump, theAlarm)).execute().getId().toUnqualifiedVersionless().getValue();
	}

	@Test
	void aReportStoredThroughFhirWithoutMeasurementsStillGetsItsRoutineTask() {
		String patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		DiagnosticReport report = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(new Reference(patient));
		report.getMeta().addProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE);
		report.getCode().addCoding(new Coding("http://loinc.org", "10191-5", null));
		String stored = client.create().resource(report).execute().getId().toUnqualifiedVersionless().getValue();

		Task task = triageOfTransmission(stored);

		assertThat(task.getPriority()).isEqualTo(Task.TaskPriority.ROUTINE);
		assertThat(task.getInput()).isEmpty();
		assertThat(task.getFor().getReference()).isEqualTo(patient);
	}
}
