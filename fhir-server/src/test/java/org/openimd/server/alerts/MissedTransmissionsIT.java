package org.openimd.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Transmission schedules and missed transmissions, the clock moved by the test (the check is given
 * its "now"), never by waiting: a clinic that allows 7 days' grace and looks only when told to.
 */
// Its own server on the shared database: closed after its tests, so that no second subscription machinery picks up the others' changes.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MissedTransmissionsIT extends BaseServerIT {

	@DynamicPropertySource
	static void sevenDaysGrace(DynamicPropertyRegistry theRegistry) {
		theRegistry.add("openimd.schedules.grace", () -> "P7D");
		// the test looks itself, at the times it chooses
		theRegistry.add("openimd.schedules.check-every", () -> "P3650D");
	}

	@Autowired
	MissedTransmissions missed;

	private CarePlan scheduleOf(String theSerial) {
		return await().atMost(Duration.ofSeconds(20)).until(() -> client.search()
				.byUrl("CarePlan?identifier=" + OpenImdUris.TRANSMISSION_SCHEDULE_IDENTIFIER + "|" + deviceOf(theSerial)).returnBundle(Bundle.class)
				.execute().getEntry().stream().map(entry -> (CarePlan) entry.getResource()).findFirst(), found -> found.isPresent()).orElseThrow();
	}

	private String deviceOf(String theSerial) {
		return client.search().byUrl("Device?serial-number=" + theSerial).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> entry.getResource().getIdElement().toUnqualifiedVersionless().getValue()).findFirst().orElse("none");
	}

	private List<Task> missesOf(CarePlan theSchedule) {
		return client.search().byUrl("Task?focus=" + theSchedule.getIdElement().toUnqualifiedVersionless().getValue() + "&code="
				+ OpenImdUris.REMOTE_MONITORING_SYSTEM + "|" + OpenImdUris.MISSED_TRANSMISSION).returnBundle(Bundle.class).execute().getEntry().stream()
				.map(entry -> (Task) entry.getResource()).toList();
	}

	@Test
	void anIcdIsDueSixMonthsAfterItsLastTransmissionIsMissedAfterTheGraceAndALateArrivalClosesIt() throws Exception {
		String serial = "MIS" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261201"));
		CarePlan schedule = scheduleOf(serial);
		Instant due = schedule.getActivityFirstRep().getDetail().getScheduledPeriod().getEnd().toInstant();
		assertThat(due).isEqualTo(Instant.parse("2027-06-01T10:00:00Z"));
		assertThat(schedule.getSubject().getReference()).startsWith("Patient/");

		assertThat(connectivityOf(serial)).as("transmitting").isEqualTo("connected 2026-12-01 2027-06-01");
		missed.check(due.plus(Duration.ofDays(7)));
		assertThat(missesOf(schedule)).as("within the grace period").isEmpty();

		missed.check(due.plus(Duration.ofDays(8)));
		missed.check(due.plus(Duration.ofDays(9)));
		List<Task> misses = missesOf(schedule);
		assertThat(misses).as("once per due date").singleElement().satisfies(task -> {
			assertThat(task.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
			assertThat(task.getFor().getReference()).isEqualTo(schedule.getSubject().getReference());
		});
		assertThat(connectivityOf(serial)).as("missed").isEqualTo("disconnected 2026-12-01 2027-06-01");
		List<Communication> toThePatient = client.search().byUrl("Communication?subject=" + schedule.getSubject().getReference()).returnBundle(Bundle.class)
				.execute().getEntry().stream().map(entry -> (Communication) entry.getResource()).toList();
		assertThat(toThePatient).singleElement().satisfies(notice -> {
			assertThat(notice.getRecipientFirstRep().getReference()).isEqualTo(schedule.getSubject().getReference());
			assertThat(notice.getPayloadFirstRep().getContentStringType().getValue()).contains("2027-06-01");
		});

		// the device transmits late: the miss is closed and the next transmission due six months on
		postHl7v2(TransmissionMessages.icdMessage(serial, "20270615"));
		await().atMost(Duration.ofSeconds(20)).until(() -> missesOf(schedule).get(0).getStatus() == Task.TaskStatus.COMPLETED);
		assertThat(scheduleOf(serial).getActivityFirstRep().getDetail().getScheduledPeriod().getEnd().toInstant())
				.isEqualTo(Instant.parse("2027-12-15T10:00:00Z"));
		assertThat(connectivityOf(serial)).as("back").isEqualTo("connected 2027-06-15 2027-12-15");
	}

	/** The device's CardX connectivity status: its state, its last remote interrogation's day and the next one's. */
	private String connectivityOf(String theSerial) {
		Observation status = single(client.search().byUrl("Observation?identifier=" + OpenImdUris.CONNECTIVITY_STATUS_IDENTIFIER + "|"
				+ deviceOf(theSerial)).returnBundle(Bundle.class).execute(), Observation.class);
		assertThat(status.getMeta().hasProfile(OpenImdUris.CARDX_CONNECTIVITY_PROFILE)).isTrue();
		assertThat(status.getCode().getCodingFirstRep().getSystem()).isEqualTo(OpenImdUris.CARDX_CONNECTIVITY_SYSTEM);
		return ((CodeableConcept) component(status, "connectivity-status")).getCodingFirstRep().getCode() + " "
				+ ((DateTimeType) component(status, "last-interrogation-date")).getValueAsString().substring(0, 10) + " "
				+ ((DateTimeType) component(status, "next-interrogation-date")).getValueAsString().substring(0, 10);
	}

	private static Type component(Observation theStatus, String theCode) {
		return theStatus.getComponent().stream().filter(component -> component.getCode().getCodingFirstRep().getCode().equals(theCode)).findFirst()
				.orElseThrow().getValue();
	}

	@Test
	void aBatteryAtItsReplacementTimeIsDueWithinThreeMonths() throws Exception {
		String serial = "RRT" + UUID.randomUUID().toString().substring(0, 8);
		postHl7v2(TransmissionMessages.icdMessage(serial, "20261201", "CWE|721280^MDC_IDC_MSMT_BATTERY_STATUS^MDC|1|754115^MDC_IDC_ENUM_BATTERY_STATUS_RRT^MDC"));

		assertThat(scheduleOf(serial).getActivityFirstRep().getDetail().getScheduledPeriod().getEnd().toInstant())
				.isEqualTo(Instant.parse("2027-03-01T10:00:00Z"));
	}
}
