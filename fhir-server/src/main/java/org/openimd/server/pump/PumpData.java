package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;

/**
 * Whether a resource is intrathecal pump data: a Device of a known pump model, an order by the
 * intrathecal route or naming a pump, a dispense by the intrathecal route or filling such an order.
 * Other resources are not judged here (true). What a pharmacy may see is limited by this.
 */
public class PumpData implements Predicate<IBaseResource> {

	private final PumpPrescriptionReader myReader;
	private final StoredOrders myStored;

	public PumpData(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myReader = theOperations.reader();
		myStored = new StoredOrders(theOperations, theDaos, theClock);
	}

	@Override
	public boolean test(IBaseResource theResource) {
		if (theResource instanceof Device device) {
			return myReader.knownModel(device).isPresent();
		}
		if (theResource instanceof MedicationRequest order) {
			return isPumpOrder(order);
		}
		if (theResource instanceof MedicationDispense dispense) {
			return PumpOrders.isIntrathecal(dispense.getDosageInstruction()) || dispense.getAuthorizingPrescription().stream().map(myStored::read)
					.flatMap(Optional::stream).filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast)
					.anyMatch(this::isPumpOrder);
		}
		return true;
	}

	private boolean isPumpOrder(MedicationRequest theOrder) {
		return PumpOrders.isIntrathecal(theOrder) || myStored.pump(theOrder).isPresent();
	}
}
