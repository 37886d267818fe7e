package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.terminology.OpenImdUris;

/**
 * Pump readings and refill records posted as a programmer or monitor posts them: the dates computed
 * from them, the refill Appointment kept for the pump, and the warnings a clinic must see.
 */
class PumpTelemetryIT extends BaseServerIT {

	private static final LocalDate READ_ON = LocalDate.of(2026, 3, 1);

	String patient;
	String pump;

	@BeforeEach
	void aPatientWithASynchroMed() {
		patient = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		pump = client.create().resource(PumpInput.pump("8637-20", "20").setPatient(new Reference("Patient/" + patient))).execute().getId()
				.getIdPart();
	}

	private Observation reading(String theReservoir, String theBasal, LocalDate theDay) {
		Observation reading = PumpTelemetryTest.reading(theReservoir, theBasal);
		reading.setStatus(Observation.ObservationStatus.FINAL);
		reading.setEffective(new DateTimeType(theDay + "T09:30:00+01:00"));
		reading.setSubject(new Reference("Patient/" + patient)).setDevice(new Reference("Device/" + pump));
		return reading;
	}

	private Observation post(Observation theReading) {
		return (Observation) client.create().resource(theReading).execute().getResource();
	}

	private static String computed(Observation theReading, String theCode) {
		return theReading.getComponent().stream().filter(component -> component.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, theCode))
				.map(component -> ((DateTimeType) component.getValue()).getValueAsString()).findFirst().orElseThrow();
	}

	private List<Appointment> openRefills() {
		return client.search().forResource(Appointment.class)
				.where(Appointment.IDENTIFIER.exactly().systemAndCode(OpenImdUris.PUMP_REFILL_APPOINTMENT_SYSTEM, "Device/" + pump))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (Appointment) entry.getResource()).toList();
	}

	private List<DetectedIssue> issues() {
		return client.search().forResource(DetectedIssue.class).where(DetectedIssue.PATIENT.hasId("Patient/" + patient))
				.returnBundle(Bundle.class).execute().getEntry().stream().map(entry -> (DetectedIssue) entry.getResource()).toList();
	}

	@Test
	void aReadingGetsItsAlarmAndEmptyDatesAndThePumpOneRefillAppointmentThatFollowsTheLatestReading() {
		Observation stored = post(reading("18", "0.2", READ_ON));
		assertThat(computed(stored, PumpTelemetry.COMPUTED_ALARM_DATE)).isEqualTo(READ_ON.plusDays(80).toString());
		assertThat(computed(stored, PumpTelemetry.COMPUTED_EMPTY_DATE)).isEqualTo(READ_ON.plusDays(90).toString());
		assertThat(openRefills()).singleElement().satisfies(appointment -> {
			assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.PROPOSED);
			assertThat(appointment.getRequestedPeriodFirstRep().getStartElement().getValueAsString()).isEqualTo(READ_ON.plusDays(70).toString());
			assertThat(appointment.getRequestedPeriodFirstRep().getEndElement().getValueAsString()).isEqualTo(READ_ON.plusDays(73).toString());
			assertThat(appointment.getParticipant()).extracting(participant -> participant.getActor().getReference())
					.containsExactly("Patient/" + patient, "Device/" + pump);
		});

		// Reprogrammed to 0.4 mL/d ten days later with 14 mL left: (14 - 2) / 0.4 = 30 days.
		post(reading("14", "0.4", READ_ON.plusDays(10)));
		assertThat(openRefills()).singleElement().satisfies(appointment -> assertThat(appointment.getRequestedPeriodFirstRep().getEndElement()
				.getValueAsString()).isEqualTo(READ_ON.plusDays(10 + 30 - 7).toString()));
		assertThat(issues()).isEmpty();
	}

	@Test
	void aRefillTheClinicBookedIsLeftAsBooked() {
		post(reading("18", "0.2", READ_ON));
		Appointment booked = openRefills().get(0).setStatus(Appointment.AppointmentStatus.BOOKED);
		booked.setStartElement(new InstantType(READ_ON.plusDays(71) + "T10:00:00+01:00"))
				.setEndElement(new InstantType(READ_ON.plusDays(71) + "T10:30:00+01:00"));
		client.update().resource(booked).execute();

		post(reading("17", "0.2", READ_ON.plusDays(5)));
		assertThat(openRefills()).singleElement().satisfies(appointment -> assertThat(appointment.getStatus())
				.isEqualTo(Appointment.AppointmentStatus.BOOKED));
	}

	@Test
	void aProgrammerAlarmDateThatDisagreesWithOursIsADetectedIssueOnTheReading() {
		Observation reading = PumpTelemetryTest.with(reading("18", "0.2", READ_ON), PumpTelemetry.PROGRAMMER_ALARM_DATE,
				new DateTimeType(READ_ON.plusDays(190).toString()));
		String stored = post(reading).getIdElement().toUnqualified().getValue();
		assertThat(issues()).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("REFILL-ALARM-DATE");
			assertThat(issue.getImplicatedFirstRep().getReference()).isEqualTo(stored);
		});
	}

	@Test
	void aRefillFindingLessThanExpectedGetsTheExpectedBandAndAResidualWarning() {
		post(reading("18", "0.2", READ_ON));
		Observation refill = new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setSubject(new Reference("Patient/" + patient)).setDevice(new Reference("Device/" + pump))
				.setEffective(new DateTimeType(READ_ON.plusDays(30) + "T09:30:00+01:00"));
		refill.getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(OpenImdUris.PUMP_REFILL);
		PumpTelemetryTest.with(refill, PumpTelemetry.ASPIRATED_VOLUME, PumpInput.ucum("9", "mL"));
		PumpTelemetryTest.with(refill, PumpTelemetry.FILLED_VOLUME, PumpInput.ucum("20", "mL"));

		Observation stored = post(refill);
		Range expected = (Range) stored.getComponent().stream()
				.filter(component -> component.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, PumpTelemetry.EXPECTED_RESIDUAL))
				.findFirst().orElseThrow().getValue();
		// 18 - 30 x 0.2 = 12 mL, no boluses; 2.5% of the 6 mL delivered is 0.15 mL: 9 mL is far below.
		assertThat(expected.getLow().getValue()).isEqualByComparingTo("12");
		assertThat(expected.getHigh().getValue()).isEqualByComparingTo("12");
		assertThat(issues()).singleElement().satisfies(issue -> {
			assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("REFILL-RESIDUAL");
			assertThat(issue.getDetail()).contains("overinfusion");
		});
	}

	@Test
	void aReadingOfMoreThanThePumpHoldsOfNoPumpOrOfAnotherPatientsPumpIsRefusedAndNothingIsStored() {
		Observation overfilled = reading("40", "0.2", READ_ON);
		BaseServerResponseException refused = catchThrowableOfType(() -> post(overfilled), BaseServerResponseException.class);
		assertThat(refused.getStatusCode()).isEqualTo(400);
		assertThat(refused.getMessage()).contains("20 mL");

		String notAPump = client.create().resource(new Device().setModelNumber("A2DR01")).execute().getId().getIdPart();
		Observation ofNoPump = reading("18", "0.2", READ_ON).setDevice(new Reference("Device/" + notAPump));
		assertThat(catchThrowableOfType(() -> post(ofNoPump), BaseServerResponseException.class).getStatusCode()).isEqualTo(422);

		String otherPatient = client.create().resource(new Patient()).execute().getId().getIdPart();
		Observation ofAnotherPatient = reading("18", "0.2", READ_ON).setSubject(new Reference("Patient/" + otherPatient));
		BaseServerResponseException misfiled = catchThrowableOfType(() -> post(ofAnotherPatient), BaseServerResponseException.class);
		assertThat(misfiled.getStatusCode()).isEqualTo(422);
		assertThat(misfiled.getMessage()).contains("another patient");

		assertThat(openRefills()).isEmpty();
		assertThat(client.search().forResource(Observation.class).where(Observation.DEVICE.hasId("Device/" + pump))
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	@Test
	void aSystemWithoutAnObservationScopeCannotPostReadings() throws Exception {
		IGenericClient devices = FHIR.newRestfulGenericClient(fhirBase());
		devices.registerInterceptor(new BearerTokenAuthInterceptor(TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER,
				TestClients.DEVICE_READER_SCOPES)));
		BaseServerResponseException refused = catchThrowableOfType(() -> devices.create().resource(reading("18", "0.2", READ_ON)).execute(),
				BaseServerResponseException.class);
		assertThat(refused.getStatusCode()).isEqualTo(403);
		assertThat(openRefills()).isEmpty();
	}
}
