package org.openimd.server.pump;

import org.openimd.server.fhir.CheckedWhenStored;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationDispense.MedicationDispenseStatus;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/**
 * What a pharmacy dispenses for an intrathecal pump is checked as it is stored, whoever sends it: a
 * MedicationDispense whose {@code authorizingPrescription} is a pump order, or which is by the
 * intrathecal route. It must fill an active pump prescription of the same patient (DISPENSE-01), with
 * the prescribed product, ingredient by ingredient and concentration by concentration (DISPENSE-02),
 * and no more than the pump's reservoir holds (DISPENSE-03). The prescription as dispensed, with the
 * dispense's {@code daysSupply} as its refill interval, then goes through every prescription check
 * again, with today's knowledge and the pump's last reading: a product that degrades before the
 * supply ends is refused like the prescription would be. A refusal is a 422 with the findings and
 * stores nothing; warnings become DetectedIssues on the dispense.
 *
 * <p>Cancelling, stopping, declining or marking a dispense entered in error is never checked.
 */
public class PumpDispenseGuard extends CheckedWhenStored {

	private static final Set<MedicationDispenseStatus> CHECKED = Set.of(MedicationDispenseStatus.PREPARATION, MedicationDispenseStatus.INPROGRESS,
			MedicationDispenseStatus.ONHOLD, MedicationDispenseStatus.COMPLETED, MedicationDispenseStatus.UNKNOWN, MedicationDispenseStatus.NULL);

	private final PumpOperations myOperations;
	private final StoredOrders myStored;
	private final PendingWarnings myWarnings;

	public PumpDispenseGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myStored = new StoredOrders(theOperations, theDaos, theClock);
		myWarnings = new PendingWarnings(theDaos, theClock);
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof MedicationDispense dispense) || !CHECKED.contains(dispense.getStatus())) {
			return;
		}
		Optional<MedicationRequest> order = dispense.getAuthorizingPrescription().stream().map(myStored::read).flatMap(Optional::stream)
				.filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast).findFirst();
		Optional<Device> pump = order.flatMap(myStored::pump);
		boolean forAPump = pump.isPresent() || PumpOrders.isIntrathecal(dispense.getDosageInstruction())
				|| order.filter(PumpOrders::isIntrathecal).isPresent();
		if (!forAPump) {
			return;
		}
		if (pump.isEmpty()) {
			refuse(theRequest, "DISPENSE-01", "the dispense names no pump prescription in authorizingPrescription (one naming its pump Device)");
		}
		MedicationRequest prescribed = order.orElseThrow();
		if (prescribed.getStatus() != MedicationRequestStatus.ACTIVE) {
			refuse(theRequest, "DISPENSE-01", "the prescription " + versionless(prescribed) + " is " + prescribed.getStatus().toCode() + ", not active");
		}
		if (!Objects.equals(dispense.getSubject().getReferenceElement().getIdPart(), prescribed.getSubject().getReferenceElement().getIdPart())) {
			refuse(theRequest, "DISPENSE-01", "the prescription " + versionless(prescribed) + " is another patient's");
		}
		try {
			check(dispense, prescribed, pump.get(), theRequest);
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
	}

	private void check(MedicationDispense theDispense, MedicationRequest thePrescribed, Device thePump, RequestDetails theRequest) {
		PumpPrescriptionReader reader = myOperations.reader();
		var flags = myStored.flags(thePrescribed, Optional.empty(), Optional.of(myStored.pumpState(thePump)));
		PumpPrescription prescribed = reader.read(thePrescribed, thePump, flags, myStored::read);
		PumpPrescription dispensed = reader.read(PumpDispenses.asDispensed(theDispense, thePrescribed), thePump, flags, myStored::read);
		List<Finding> findings = new ArrayList<>();
		PumpDispenses.productDifference(prescribed, dispensed).ifPresent(difference ->
				findings.add(Finding.of(myOperations.knowledge(), "DISPENSE-02", Optional.empty(), difference)));
		ExactRatio volume = PumpDispenses.volume(theDispense);
		if (volume.isAbove(dispensed.pump().reservoirMl())) {
			findings.add(Finding.of(myOperations.knowledge(), "DISPENSE-03", Optional.empty(), volume.toDecimal().toPlainString()
					+ " mL dispensed for a " + dispensed.pump().model() + " " + dispensed.pump().modelNumber() + " of "
					+ dispensed.pump().reservoirMl().toPlainString() + " mL"));
		}
		findings.addAll(myOperations.check().check(dispensed).findings());
		if (findings.stream().anyMatch(finding -> finding.severity() == Severity.REJECT)) {
			throw new UnprocessableEntityException(theRequest.getFhirContext(), PumpAnswers.outcome(findings, dispensed));
		}
		myWarnings.add(theRequest, theDispense, findings.stream().filter(finding -> finding.severity() == Severity.WARN).toList());
	}

	private void refuse(RequestDetails theRequest, String theRule, String theDetail) {
		throw new UnprocessableEntityException(theRequest.getFhirContext(),
				PumpAnswers.outcome(List.of(Finding.of(myOperations.knowledge(), theRule, Optional.empty(), theDetail)), null));
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof MedicationDispense dispense) {
			myWarnings.record(theRequest, dispense, dispense.getSubject());
		}
	}

	private static String versionless(MedicationRequest theRequest) {
		return theRequest.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
