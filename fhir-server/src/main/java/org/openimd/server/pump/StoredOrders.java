package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.pump.PumpPrescriptionReader.Flags;

/**
 * Pump orders as the guards on stored data read them: what an order names is read as stored, with
 * the server's rights (the checks need the pump and the patient's age even where the writer may not
 * read them), and what a prescriber's system would otherwise have to repeat comes from the record:
 * the previous dose and when it was set, and what the pump last reported.
 */
final class StoredOrders {

	private final PumpOperations myOperations;
	private final PumpOrders myOrders;
	private final PumpReadings myReadings;
	private final DaoRegistry myDaos;
	private final Clock myClock;

	StoredOrders(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myOrders = new PumpOrders(theOperations.reader());
		myReadings = new PumpReadings(theDaos, theClock);
		myDaos = theDaos;
		myClock = theClock;
	}

	PumpOrders orders() {
		return myOrders;
	}

	/** What the pump last reported. */
	PumpReadings.State pumpState(Device thePump) {
		return myReadings.current(thePump.getIdElement());
	}

	Optional<IBaseResource> read(Reference theReference) {
		return StoredReferences.read(myDaos, theReference, new SystemRequestDetails());
	}

	Optional<Device> pump(MedicationRequest theOrder) {
		return myOrders.pump(theOrder, this::read);
	}

	/** The order this one replaces: the version before on an update, else its {@code priorPrescription}. */
	Optional<MedicationRequest> previous(MedicationRequest theOrder, Optional<MedicationRequest> theVersionBefore) {
		return theVersionBefore.or(() -> theOrder.hasPriorPrescription()
				? read(theOrder.getPriorPrescription()).filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast)
				: Optional.empty()).filter(PumpOrders::isChecked);
	}

	/**
	 * The order's flags ({@code intrathecal-therapy}), with the previous order's dose and the hours since
	 * it was set, and what the pump last reported (days at ERI, programmed alarm volume).
	 */
	Flags flags(MedicationRequest theOrder, Optional<MedicationRequest> thePrevious) {
		return flags(theOrder, thePrevious, pump(theOrder).map(pump -> myReadings.current(pump.getIdElement())));
	}

	/** The same, with the state of the order's pump already read. */
	Flags flags(MedicationRequest theOrder, Optional<MedicationRequest> thePrevious, Optional<PumpReadings.State> thePumpState) {
		Flags flags = thePumpState.map(state -> PumpOrders.flags(theOrder).withPumpState(state.daysSinceEri(), state.alarmVolume()))
				.orElseGet(() -> PumpOrders.flags(theOrder));
		if (thePrevious.isEmpty()) {
			return flags;
		}
		return flags.withPrevious(previousDailyDose(thePrevious.get()),
				Optional.ofNullable(thePrevious.get().getMeta().getLastUpdated()).map(updated -> BigDecimal.valueOf(
						Duration.between(updated.toInstant(), myClock.instant()).toMinutes()).divide(BigDecimal.valueOf(60), 2, RoundingMode.FLOOR)));
	}

	/** The basal rate and daily boluses of the order before, as the reference ingredient's daily dose. */
	private Optional<Quantity> previousDailyDose(MedicationRequest thePrevious) {
		return pump(thePrevious).flatMap(pump -> {
			try {
				PumpPrescription before = myOperations.reader().read(thePrevious, pump, Flags.NONE, reference -> Optional.empty());
				return Optional.of(PumpAnswers.quantity(before.totalDailyDose().toDecimal(), before.reference().drug().massUnit() + "/d"));
			} catch (PumpInputException unreadable) {
				return Optional.empty();
			}
		});
	}
}
