package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;

/**
 * The pump checks and the opioid converter as FHIR operations. A pump or subject given by reference
 * is read as the caller: the read goes through the same authorization as a plain read, so the
 * operations reveal nothing of a record the caller may not see.
 */
public class PumpOperationsProvider {

	private static final Set<String> READABLE_TYPES = Set.of("Device", "Patient");

	private final PumpOperations myOperations;
	private final DaoRegistry myDaos;

	public PumpOperationsProvider(PumpOperations theOperations, DaoRegistry theDaos) {
		myOperations = theOperations;
		myDaos = theDaos;
	}

	@Operation(name = "$check-pump-prescription", type = MedicationRequest.class, idempotent = false)
	public Parameters checkPumpPrescription(@ResourceParam Parameters theInput, RequestDetails theRequest) {
		return myOperations.checkPumpPrescription(theInput, reference -> read(reference, theRequest));
	}

	@Operation(name = "$opioid-conversion", idempotent = false)
	public Parameters opioidConversion(@ResourceParam Parameters theInput) {
		return myOperations.opioidConversion(theInput);
	}

	private Optional<IBaseResource> read(Reference theReference, RequestDetails theRequest) {
		IdType id = new IdType(theReference.getReference());
		if (!id.hasResourceType() || !id.hasIdPart() || !READABLE_TYPES.contains(id.getResourceType())) {
			return Optional.empty();
		}
		try {
			return Optional.of(myDaos.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), theRequest));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}
}
