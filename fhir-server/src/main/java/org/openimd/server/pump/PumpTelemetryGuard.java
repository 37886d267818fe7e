package org.openimd.server.pump;

import org.openimd.server.fhir.CheckedWhenStored;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.pump.PumpTelemetry.Forecast;
import org.openimd.server.pump.PumpTelemetry.Status;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;

/**
 * Pump telemetry and refill records as they are stored, whoever posts them:
 *
 * <ul>
 *   <li>a {@code pump-status} reading gets the low-reservoir alarm, empty and end-of-service dates
 *       computed from it, and the pump's refill Appointment is kept 7–10 days before the alarm; a
 *       programmer whose alarm date differs from ours raises REFILL-ALARM-DATE;
 *   <li>a {@code pump-refill} record gets the residual expected from the last reading before it, and a
 *       residual aspirated outside that band raises REFILL-RESIDUAL.
 * </ul>
 *
 * A reading of a Device that is no known pump, or with more in the reservoir than the pump holds, is
 * refused (422 and 400): the alarm date computed from a wrongly entered volume is how pumps run dry.
 */
public class PumpTelemetryGuard extends CheckedWhenStored {

	private static final List<AppointmentStatus> OPEN = List.of(AppointmentStatus.PROPOSED, AppointmentStatus.PENDING,
			AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED, AppointmentStatus.CHECKEDIN, AppointmentStatus.WAITLIST);
	private static final String FORECAST_KEY = PumpTelemetryGuard.class.getName() + ".forecasts";

	private final PumpPrescriptionReader myReader;
	private final PumpTelemetry myTelemetry;
	private final DaoRegistry myDaos;
	private final PendingWarnings myWarnings;
	private final PumpReadings myReadings;

	public PumpTelemetryGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myReader = theOperations.reader();
		myTelemetry = new PumpTelemetry(new PumpFacts(theOperations.knowledge()));
		myDaos = theDaos;
		myWarnings = new PendingWarnings(theDaos, theClock);
		myReadings = new PumpReadings(theDaos, theClock);
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof Observation reading)) {
			return;
		}
		boolean status = reading.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, OpenImdUris.PUMP_STATUS);
		boolean refill = reading.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, OpenImdUris.PUMP_REFILL);
		if (!status && !refill) {
			return;
		}
		PumpModel model = pumpOf(reading);
		try {
			if (status) {
				prepareStatus(reading, model, theRequest);
			} else {
				prepareRefill(reading, model, theRequest);
			}
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
	}

	private void prepareStatus(Observation theReading, PumpModel theModel, RequestDetails theRequest) {
		Status status = myTelemetry.status(theReading, theModel);
		Forecast forecast = myTelemetry.forecast(status, theModel);
		PumpTelemetry.setComputed(theReading, PumpTelemetry.COMPUTED_ALARM_DATE, dateTime(forecast.alarmDate()));
		PumpTelemetry.setComputed(theReading, PumpTelemetry.COMPUTED_EMPTY_DATE, dateTime(forecast.emptyDate()));
		forecast.endOfService().ifPresent(end -> PumpTelemetry.setComputed(theReading, PumpTelemetry.COMPUTED_END_OF_SERVICE_DATE, dateTime(end)));
		myWarnings.add(theRequest, theReading, myTelemetry.alarmDateMismatch(status, forecast).stream().toList());
		forecasts(theRequest).put(theReading, forecast);
	}

	private void prepareRefill(Observation theRefill, PumpModel theModel, RequestDetails theRequest) {
		ExactRatio aspirated = PumpTelemetry.volume(theRefill, PumpTelemetry.ASPIRATED_VOLUME, "mL")
				.orElseThrow(() -> new PumpInputException(PumpTelemetry.location(PumpTelemetry.ASPIRATED_VOLUME), "the aspirated residual is required"));
		PumpTelemetry.volume(theRefill, PumpTelemetry.FILLED_VOLUME, "mL").filter(filled -> filled.isAbove(theModel.reservoirMl()))
				.ifPresent(filled -> {
					throw new PumpInputException(PumpTelemetry.location(PumpTelemetry.FILLED_VOLUME), "filled volume "
							+ filled.toDecimal().toPlainString() + " mL is more than the " + theModel.model() + " holds ("
							+ theModel.reservoirMl().toPlainString() + " mL)");
				});
		DateTimeType effective = theRefill.getEffectiveDateTimeType();
		if (effective == null || !effective.hasValue()) {
			throw new PumpInputException("Observation.effectiveDateTime", "a refill record needs the time of the refill");
		}
		myReadings.lastStatusBefore(theRefill.getDevice().getReferenceElement(), effective.getValue()).ifPresent(last -> {
			PumpTelemetry.Expectation expected = myTelemetry.expectation(myTelemetry.status(last, theModel), effective.getValue().toInstant());
			PumpTelemetry.setComputed(theRefill, PumpTelemetry.EXPECTED_RESIDUAL, new Range()
					.setLow(PumpAnswers.quantity(expected.low().toDecimal(), "mL"))
					.setHigh(PumpAnswers.quantity(expected.high().toDecimal(), "mL")));
			myWarnings.add(theRequest, theRefill, myTelemetry.residualMismatch(expected, aspirated).stream().toList());
		});
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (!(theResource instanceof Observation reading)) {
			return;
		}
		myWarnings.record(theRequest, reading, reading.getSubject());
		Forecast forecast = forecasts(theRequest).remove(reading);
		if (forecast != null) {
			keepRefillAppointment(reading, forecast);
		}
	}

	/** One open refill Appointment per pump, proposed for the 7–10 days before the alarm; a booked one is left to the clinic. */
	private void keepRefillAppointment(Observation theReading, Forecast theForecast) {
		String pump = theReading.getDevice().getReferenceElement().toUnqualifiedVersionless().getValue();
		SearchParameterMap open = SearchParameterMap.newSynchronous()
				.add(Appointment.SP_IDENTIFIER, new TokenParam(OpenImdUris.PUMP_REFILL_APPOINTMENT_SYSTEM, pump))
				.add(Appointment.SP_STATUS, statuses(OPEN));
		List<IBaseResource> found = myDaos.getResourceDao(Appointment.class).search(open, new SystemRequestDetails()).getAllResources();
		Appointment appointment = found.isEmpty() ? new Appointment() : (Appointment) found.get(0);
		if (appointment.hasStatus() && appointment.getStatus() != AppointmentStatus.PROPOSED && appointment.getStatus() != AppointmentStatus.PENDING) {
			return;
		}
		appointment.setStatus(AppointmentStatus.PROPOSED);
		appointment.getIdentifier().clear();
		appointment.addIdentifier().setSystem(OpenImdUris.PUMP_REFILL_APPOINTMENT_SYSTEM).setValue(pump);
		appointment.getServiceTypeFirstRep().setText("Intrathecal pump refill");
		appointment.setDescription("Refill between " + theForecast.refillFrom() + " and " + theForecast.refillBy() + ": low-reservoir alarm on "
				+ theForecast.alarmDate() + ", reservoir empty on " + theForecast.emptyDate()
				+ theForecast.endOfService().map(end -> ", pump end of service on " + end).orElse("")
				+ " (computed from " + theReading.getIdElement().toUnqualified().getValue() + ")");
		appointment.getRequestedPeriod().clear();
		appointment.addRequestedPeriod(new Period().setStartElement(dateTime(theForecast.refillFrom()))
				.setEndElement(dateTime(theForecast.refillBy())));
		appointment.getSupportingInformation().clear();
		appointment.addSupportingInformation(new Reference(theReading.getIdElement().toUnqualifiedVersionless().getValue()));
		appointment.getParticipant().clear();
		if (theReading.hasSubject()) {
			appointment.addParticipant().setActor(theReading.getSubject()).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
		}
		appointment.addParticipant().setActor(new Reference(pump)).setStatus(Appointment.ParticipationStatus.NEEDSACTION);
		if (appointment.hasIdElement() && appointment.getIdElement().hasIdPart()) {
			myDaos.getResourceDao(Appointment.class).update(appointment, new SystemRequestDetails());
		} else {
			myDaos.getResourceDao(Appointment.class).create(appointment, new SystemRequestDetails());
		}
	}

	/** The pump a reading is of, as stored: only a known pump model has a reservoir to forecast. */
	private PumpModel pumpOf(Observation theReading) {
		Optional<Device> device = theReading.hasDevice()
				? StoredReferences.read(myDaos, theReading.getDevice(), new SystemRequestDetails()).filter(Device.class::isInstance).map(Device.class::cast)
				: Optional.empty();
		PumpModel model = device.flatMap(myReader::knownModel).orElseThrow(() -> new UnprocessableEntityException(
				"a pump reading must name its pump in Observation.device: a stored SynchroMed II or Prometra Device"));
		PumpOrders.requireImplantedIn(device.get(), theReading.getSubject(), "the reading");
		return model;
	}

	/** Forecasts of readings being stored in this request, until each has its id for the Appointment. */
	@SuppressWarnings("unchecked")
	private static Map<IBaseResource, Forecast> forecasts(RequestDetails theRequest) {
		return (Map<IBaseResource, Forecast>) theRequest.getUserData().computeIfAbsent(FORECAST_KEY, key -> new IdentityHashMap<>());
	}

	private static TokenOrListParam statuses(List<AppointmentStatus> theStatuses) {
		TokenOrListParam any = new TokenOrListParam();
		theStatuses.forEach(status -> any.addOr(new TokenParam(status.toCode())));
		return any;
	}

	private static DateTimeType dateTime(LocalDate theDate) {
		return new DateTimeType(theDate.toString());
	}
}
