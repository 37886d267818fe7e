package org.openimd.server.pump;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.pump.PumpPrescriptionReader.Flags;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/**
 * The pump checks guard the data: a MedicationRequest for an intrathecal pump (by the intrathecal
 * route, or with a pump Device in {@code supportingInformation}) is checked whenever it is created or
 * updated, whoever writes it and however (REST, transaction, ingest). A REJECT answers 422 with the
 * findings and stores nothing; warnings are stored as DetectedIssues naming the version they concern.
 *
 * <p>A prescription being stopped, cancelled, completed or marked entered-in-error is not checked:
 * taking a dangerous order out of use must never be blocked by the rules it breaks.
 */
public class PumpPrescriptionGuard {


	private final PumpOperations myOperations;
	private final PumpOrders myOrders;
	private final DaoRegistry myDaos;
	private final PendingWarnings myWarnings;
	private final Clock myClock;

	public PumpPrescriptionGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myOrders = new PumpOrders(theOperations.reader());
		myDaos = theDaos;
		myWarnings = new PendingWarnings(theDaos, theClock);
		myClock = theClock;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource theResource, RequestDetails theRequest) {
		check(theResource, Optional.empty(), theRequest);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		check(theNew, Optional.ofNullable(theOld).filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast), theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void afterCreate(IBaseResource theResource, RequestDetails theRequest) {
		recordWarnings(theResource, theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void afterUpdate(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		recordWarnings(theNew, theRequest);
	}

	private void check(IBaseResource theResource, Optional<MedicationRequest> thePrevious, RequestDetails theRequest) {
		if (!(theResource instanceof MedicationRequest request) || !PumpOrders.isChecked(request)) {
			return;
		}
		Optional<PumpPrescription> prescription;
		try {
			prescription = myOrders.prescription(request, flags(request, thePrevious), this::read);
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
		List<Finding> warnings = result.findings().stream().filter(finding -> finding.severity() == Severity.WARN).toList();
		myWarnings.add(theRequest, request, warnings);
	}

	/** The order's flags; on an update, the version before gives the previous dose and when it was set. */
	private Flags flags(MedicationRequest theRequest, Optional<MedicationRequest> thePrevious) {
		Flags flags = PumpOrders.flags(theRequest);
		if (thePrevious.isEmpty() || !PumpOrders.isChecked(thePrevious.get())) {
			return flags;
		}
		return flags.withPrevious(previousDailyDose(thePrevious.get()),
				Optional.ofNullable(thePrevious.get().getMeta().getLastUpdated()).map(updated -> BigDecimal.valueOf(
						Duration.between(updated.toInstant(), myClock.instant()).toMinutes()).divide(BigDecimal.valueOf(60), 2, RoundingMode.FLOOR)));
	}

	/** The basal rate and daily boluses of the version before, as the reference ingredient's daily dose. */
	private Optional<Quantity> previousDailyDose(MedicationRequest thePrevious) {
		return myOrders.pump(thePrevious, this::read).flatMap(pump -> {
			try {
				PumpPrescription before = myOperations.reader().read(thePrevious, pump, Flags.NONE, reference -> Optional.empty());
				return Optional.of(PumpAnswers.quantity(before.totalDailyDose().toDecimal(), before.reference().drug().massUnit() + "/d"));
			} catch (PumpInputException unreadable) {
				return Optional.empty();
			}
		});
	}

	private void recordWarnings(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof MedicationRequest request) {
			myWarnings.record(theRequest, request, request.getSubject());
		}
	}

	/** A referenced Device or Patient as stored: the checks need the pump and the age even where the writer may not read them. */
	private Optional<IBaseResource> read(Reference theReference) {
		return StoredReferences.read(myDaos, theReference, new SystemRequestDetails());
	}
}
