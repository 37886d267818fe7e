package org.openimd.server.pump;

import org.openimd.server.fhir.CheckedWhenStored;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/**
 * The pump checks guard the data: a MedicationRequest for an intrathecal pump (by the intrathecal
 * route, or with a pump Device in {@code supportingInformation}) is checked whenever it is created or
 * updated, whoever writes it and however (REST, transaction, ingest). A REJECT answers 422 with the
 * findings and stores nothing; warnings are stored as DetectedIssues naming the version they concern.
 *
 * <p>What the order does not say is taken from the record: the dose of the order it replaces (the
 * version before, or its {@code priorPrescription}) for the titration checks, and the days the pump has
 * been at ERI by its last reading.
 *
 * <p>A prescription being stopped, cancelled, completed or marked entered-in-error is not checked:
 * taking a dangerous order out of use must never be blocked by the rules it breaks.
 */
public class PumpPrescriptionGuard extends CheckedWhenStored {

	private final PumpOperations myOperations;
	private final StoredOrders myStored;
	private final PendingWarnings myWarnings;

	public PumpPrescriptionGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myStored = new StoredOrders(theOperations, theDaos, theClock);
		myWarnings = new PendingWarnings(theDaos, theClock);
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof MedicationRequest request) || !PumpOrders.isChecked(request)) {
			return;
		}
		Optional<PumpPrescription> prescription;
		try {
			prescription = myStored.orders().prescription(request, myStored.flags(request, myStored.previous(request,
					theVersionBefore.filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast))),
					myStored::read);
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
		if (prescription.isEmpty()) {
			return;
		}
		PumpPrescriptionCheck.Result result = myOperations.check().check(prescription.get());
		if (result.status() == PumpPrescriptionCheck.Status.REJECT) {
			throw new UnprocessableEntityException(theRequest.getFhirContext(), PumpAnswers.outcome(result.findings(), prescription.get()));
		}
		myWarnings.add(theRequest, request, result.findings().stream().filter(finding -> finding.severity() == Severity.WARN).toList());
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof MedicationRequest request) {
			myWarnings.record(theRequest, request, request.getSubject());
		}
	}
}
