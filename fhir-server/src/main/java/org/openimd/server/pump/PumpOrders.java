package org.openimd.server.pump;

import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.pump.PumpPrescriptionReader.Flags;
import org.openimd.terminology.OpenImdUris;

/**
 * A MedicationRequest read as an order for an intrathecal pump: the pump it names in
 * {@code supportingInformation}, the flags of its {@code intrathecal-therapy} extension, and the
 * prescription the checks take. The guard on stored orders and the CDS Hooks service read orders
 * alike; they differ only in where a referenced pump or patient comes from.
 */
public class PumpOrders {

	/** Taking an order out of use (stopped, cancelled, completed, entered in error) is never checked, so never blocked. */
	private static final Set<MedicationRequestStatus> CHECKED = Set.of(MedicationRequestStatus.ACTIVE, MedicationRequestStatus.DRAFT,
			MedicationRequestStatus.ONHOLD, MedicationRequestStatus.UNKNOWN, MedicationRequestStatus.NULL);

	private final PumpPrescriptionReader myReader;

	public PumpOrders(PumpPrescriptionReader theReader) {
		myReader = theReader;
	}

	static boolean isChecked(MedicationRequest theRequest) {
		return CHECKED.contains(theRequest.getStatus());
	}

	/**
	 * The prescription an order makes, or empty when it is no pump order (neither by the intrathecal
	 * route nor naming a pump).
	 *
	 * @throws UnprocessableEntityException for an intrathecal order that names no known pump, or
	 *     another patient's
	 * @throws PumpInputException for what cannot be read exactly
	 */
	public Optional<PumpPrescription> prescription(MedicationRequest theRequest, Flags theFlags,
			Function<Reference, Optional<IBaseResource>> theResolver) {
		Optional<Device> pump = pump(theRequest, theResolver);
		if (pump.isEmpty()) {
			if (isIntrathecal(theRequest)) {
				throw new UnprocessableEntityException("an intrathecal MedicationRequest must name its pump Device (a SynchroMed II or Prometra with "
						+ "its reservoir volume) in supportingInformation, so that the pump checks can run");
			}
			return Optional.empty();
		}
		requireImplantedIn(pump.get(), theRequest.getSubject(), "the prescription");
		return Optional.of(myReader.read(theRequest, pump.get(), theFlags, theResolver));
	}

	/** Refuses a pump implanted in another patient than {@code theSubject} of {@code theWhat} (a prescription, a reading). */
	static void requireImplantedIn(Device thePump, Reference theSubject, String theWhat) {
		if (thePump.hasPatient() && theSubject.hasReference()
				&& !thePump.getPatient().getReferenceElement().getIdPart().equals(theSubject.getReferenceElement().getIdPart())) {
			throw new UnprocessableEntityException("the pump " + thePump.getIdElement().toUnqualifiedVersionless().getValue()
					+ " is implanted in another patient than the subject of " + theWhat);
		}
	}

	/** The first known pump model among the order's supporting information. */
	Optional<Device> pump(MedicationRequest theRequest, Function<Reference, Optional<IBaseResource>> theResolver) {
		return theRequest.getSupportingInformation().stream().map(theResolver).flatMap(Optional::stream)
				.filter(Device.class::isInstance).map(Device.class::cast)
				.filter(device -> myReader.knownModel(device).isPresent()).findFirst();
	}

	/** The flags {@code $check-pump-prescription} takes as parameters, from the order's {@code intrathecal-therapy} extension. */
	static Flags flags(MedicationRequest theRequest) {
		Extension therapy = theRequest.getExtensionByUrl(OpenImdUris.INTRATHECAL_THERAPY_EXTENSION);
		return new Flags(Optional.empty(), flag(therapy, "opioidTolerant", true), flag(therapy, "initiation", false),
				flag(therapy, "firstFillOfNaivePump", false), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
				Optional.empty(), Optional.ofNullable(therapy).map(extension -> extension.getExtensionByUrl("spasticityOrigin"))
						.map(origin -> ((CodeType) origin.getValue()).getValue()),
				flag(therapy, "mriScheduled", false), Optional.empty());
	}

	private static boolean flag(Extension theTherapy, String theName, boolean theDefault) {
		return Optional.ofNullable(theTherapy).map(extension -> extension.getExtensionByUrl(theName))
				.map(flag -> ((BooleanType) flag.getValue()).booleanValue()).orElse(theDefault);
	}

	static boolean isIntrathecal(MedicationRequest theRequest) {
		return isIntrathecal(theRequest.getDosageInstruction());
	}

	/** Whether any of {@code theDosages} is by the intrathecal route. */
	static boolean isIntrathecal(List<Dosage> theDosages) {
		return theDosages.stream().anyMatch(dosage -> dosage.getRoute().hasCoding(OpenImdUris.SNOMED_CT, OpenImdUris.INTRATHECAL_ROUTE));
	}
}
