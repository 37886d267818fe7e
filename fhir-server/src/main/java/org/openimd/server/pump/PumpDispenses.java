package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationDispense.MedicationDispenseStatus;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.pump.PumpPrescription.Active;
import org.openimd.terminology.OpenImdUris;

/**
 * What pharmacies dispensed for a pump, read as a pump prescription: the prescription with the
 * dispensed product in place of the prescribed one, the volume filled as the reservoir's contents.
 */
final class PumpDispenses {

	private final DaoRegistry myDaos;
	private final StoredOrders myStored;

	PumpDispenses(DaoRegistry theDaos, StoredOrders theStored) {
		myDaos = theDaos;
		myStored = theStored;
	}

	/** The dispense completed last for {@code thePump}: handed over last, else prepared last, else stored last. */
	Optional<MedicationDispense> last(Device thePump, Reference thePatient) {
		SearchParameterMap dispenses = SearchParameterMap.newSynchronous().add(MedicationDispense.SP_SUBJECT,
				new ReferenceParam(thePatient.getReferenceElement().toUnqualifiedVersionless().getValue()));
		return myDaos.getResourceDao(MedicationDispense.class).search(dispenses, new SystemRequestDetails()).getAllResources().stream()
				.map(MedicationDispense.class::cast).filter(dispense -> dispense.getStatus() == MedicationDispenseStatus.COMPLETED)
				.filter(dispense -> forPump(dispense, thePump)).max(Comparator.comparing(PumpDispenses::when));
	}

	private boolean forPump(MedicationDispense theDispense, Device thePump) {
		return theDispense.getAuthorizingPrescription().stream().map(myStored::read).flatMap(Optional::stream)
				.filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast).flatMap(order -> myStored.pump(order).stream())
				.anyMatch(pump -> pump.getIdElement().getIdPart().equals(thePump.getIdElement().getIdPart()));
	}

	/** When a dispense was made: handed over, else prepared, else stored. */
	static Date when(MedicationDispense theDispense) {
		return theDispense.hasWhenHandedOver() ? theDispense.getWhenHandedOver()
				: theDispense.hasWhenPrepared() ? theDispense.getWhenPrepared() : theDispense.getMeta().getLastUpdated();
	}

	/** The prescription with the dispense's product, and the dispense's days of supply as the interval it must last. */
	static MedicationRequest asDispensed(MedicationDispense theDispense, MedicationRequest thePrescribed) {
		if (!theDispense.hasMedicationReference() || !theDispense.getMedicationReference().getReference().startsWith("#")) {
			throw new PumpInputException("MedicationDispense.medication", "the dispensed product must be a contained Medication (medicationReference"
					+ " '#id') whose ingredients carry their strengths");
		}
		MedicationRequest asDispensed = thePrescribed.copy();
		asDispensed.getContained().clear();
		theDispense.getContained().forEach(resource -> asDispensed.addContained((Resource) resource.copy()));
		asDispensed.setMedication(theDispense.getMedicationReference().copy());
		if (theDispense.hasDaysSupply()) {
			Quantity days = theDispense.getDaysSupply();
			asDispensed.getDispenseRequest().setExpectedSupplyDuration((Duration) new Duration().setValue(days.getValue())
					.setUnit(days.getUnit()).setSystem(days.getSystem()).setCode(days.getCode()));
		}
		return asDispensed;
	}

	/** The pump as the dispense filled it: its reservoir holding the volume dispensed. */
	static Device filledBy(Device thePump, MedicationDispense theDispense) {
		Device filled = thePump.copy();
		filled.getProperty().removeIf(property -> property.getType().hasCoding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME));
		ExactRatio volume = volume(theDispense);
		filled.addProperty().setType(new CodeableConcept(new Coding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME, null)))
				.addValueQuantity(PumpAnswers.quantity(volume.toDecimal(), "mL"));
		return filled;
	}

	/**
	 * What a programmer checks against the syringe: "MedicationDispense/12, handed over 2026-12-01: 20 mL,
	 * lot L123, beyond-use date 2027-01-10", as far as the dispense says.
	 */
	static String label(MedicationDispense theDispense) {
		StringBuilder label = new StringBuilder("Filled from ").append(theDispense.getIdElement().toUnqualifiedVersionless().getValue());
		if (theDispense.hasWhenHandedOver()) {
			label.append(", handed over ").append(theDispense.getWhenHandedOverElement().getValueAsString());
		}
		label.append(": ").append(volume(theDispense).toDecimal().toPlainString()).append(" mL");
		theDispense.getContained().stream().filter(Medication.class::isInstance).map(Medication.class::cast)
				.filter(medication -> ("#" + medication.getIdPart()).equals(theDispense.getMedicationReference().getReference()))
				.findFirst().filter(Medication::hasBatch).map(Medication::getBatch).ifPresent(batch -> {
					if (batch.hasLotNumber()) {
						label.append(", lot ").append(batch.getLotNumber());
					}
					if (batch.hasExpirationDate()) {
						label.append(", beyond-use date ").append(batch.getExpirationDateElement().getValueAsString());
					}
				});
		return label.toString();
	}

	/** How the dispensed product differs from the prescribed one: another ingredient, or another concentration of one. */
	static Optional<String> productDifference(PumpPrescription thePrescribed, PumpPrescription theDispensed) {
		List<String> differences = new ArrayList<>();
		for (Active wanted : thePrescribed.actives()) {
			Optional<Active> given = theDispensed.actives().stream().filter(active -> active.drug().equals(wanted.drug())).findFirst();
			String unit = " " + wanted.drug().massUnit() + "/mL";
			if (given.isEmpty()) {
				differences.add(wanted.drug().display() + " prescribed, not dispensed");
			} else if (given.get().concentration().compareTo(wanted.concentration()) != 0) {
				differences.add(wanted.drug().display() + " dispensed at " + given.get().concentration().toDecimal().toPlainString() + unit
						+ ", prescribed at " + wanted.concentration().toDecimal().toPlainString() + unit);
			}
		}
		theDispensed.actives().stream().filter(given -> thePrescribed.actives().stream().noneMatch(wanted -> wanted.drug().equals(given.drug())))
				.forEach(extra -> differences.add(extra.drug().display() + " dispensed, not prescribed"));
		List<String> prescribedInactives = inactives(thePrescribed);
		List<String> dispensedInactives = inactives(theDispensed);
		if (!prescribedInactives.equals(dispensedInactives)) {
			differences.add("inactive ingredients " + dispensedInactives + " dispensed, " + prescribedInactives + " prescribed");
		}
		return differences.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", differences));
	}

	private static List<String> inactives(PumpPrescription thePrescription) {
		return thePrescription.inactives().stream().map(excipient -> excipient.names().get(0)).sorted().toList();
	}

	/** The volume dispensed, in mL. */
	static ExactRatio volume(MedicationDispense theDispense) {
		Quantity quantity = theDispense.getQuantity();
		if (!theDispense.hasQuantity() || !quantity.hasValue()) {
			throw new PumpInputException("MedicationDispense.quantity", "the volume dispensed (in mL) is required");
		}
		ExactRatio volume = PumpUnits.volume(quantity.getValue(), quantity.hasCode() ? quantity.getCode() : quantity.getUnit(),
				"MedicationDispense.quantity");
		if (volume.signum() <= 0) {
			throw new PumpInputException("MedicationDispense.quantity", "the volume dispensed must be greater than zero");
		}
		return volume;
	}
}
