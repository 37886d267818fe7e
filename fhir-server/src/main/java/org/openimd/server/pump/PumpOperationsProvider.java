package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.r4.model.DeviceRequest;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Parameters;

/**
 * The pump checks, the configuration order and the opioid converter as FHIR operations. A pump or subject given by reference
 * is read as the caller: the read goes through the same authorization as a plain read, so the
 * operations reveal nothing of a record the caller may not see.
 */
public class PumpOperationsProvider {

	private final PumpOperations myOperations;
	private final PumpConfigurationOrders myConfigurations;
	private final DaoRegistry myDaos;

	public PumpOperationsProvider(PumpOperations theOperations, PumpConfigurationOrders theConfigurations, DaoRegistry theDaos) {
		myOperations = theOperations;
		myConfigurations = theConfigurations;
		myDaos = theDaos;
	}

	@Operation(name = "$check-pump-prescription", type = MedicationRequest.class, idempotent = false)
	public Parameters checkPumpPrescription(@ResourceParam Parameters theInput, RequestDetails theRequest) {
		return myOperations.checkPumpPrescription(theInput, reference -> StoredReferences.read(myDaos, reference, theRequest));
	}

	/** The configuration order of a pump prescription the caller may read, as a draft DeviceRequest to review and store. */
	@Operation(name = "$pump-configuration", type = MedicationRequest.class, idempotent = true)
	public DeviceRequest pumpConfiguration(@IdParam IdType theId, RequestDetails theRequest) {
		MedicationRequest order = myDaos.getResourceDao(MedicationRequest.class).read(theId, theRequest);
		return myConfigurations.build(order, reference -> StoredReferences.read(myDaos, reference, theRequest), theRequest);
	}

	@Operation(name = "$opioid-conversion", idempotent = false)
	public Parameters opioidConversion(@ResourceParam Parameters theInput) {
		return myOperations.opioidConversion(theInput);
	}
}
