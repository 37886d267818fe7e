package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Parameters;

/**
 * The pump checks and the opioid converter as FHIR operations. A pump or subject given by reference
 * is read as the caller: the read goes through the same authorization as a plain read, so the
 * operations reveal nothing of a record the caller may not see.
 */
public class PumpOperationsProvider {

	private final PumpOperations myOperations;
	private final DaoRegistry myDaos;

	public PumpOperationsProvider(PumpOperations theOperations, DaoRegistry theDaos) {
		myOperations = theOperations;
		myDaos = theDaos;
	}

	@Operation(name = "$check-pump-prescription", type = MedicationRequest.class, idempotent = false)
	public Parameters checkPumpPrescription(@ResourceParam Parameters theInput, RequestDetails theRequest) {
		return myOperations.checkPumpPrescription(theInput, reference -> StoredReferences.read(myDaos, reference, theRequest));
	}

	@Operation(name = "$opioid-conversion", idempotent = false)
	public Parameters opioidConversion(@ResourceParam Parameters theInput) {
		return myOperations.opioidConversion(theInput);
	}
}
