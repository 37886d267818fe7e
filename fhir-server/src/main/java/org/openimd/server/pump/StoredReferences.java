package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Reference;

/** Reads the pump Device, the subject Patient or the prescription an order or dispense names, as {@code theRequest} may see it. */
final class StoredReferences {

	private static final Set<String> READABLE_TYPES = Set.of("Device", "Patient", "MedicationRequest");

	private StoredReferences() {}

	/** The resource, or empty when the reference names no stored Device, Patient or MedicationRequest (or one the request may not see). */
	static Optional<IBaseResource> read(DaoRegistry theDaos, Reference theReference, RequestDetails theRequest) {
		IdType id = new IdType(theReference.getReference());
		if (!id.hasResourceType() || !id.hasIdPart() || !READABLE_TYPES.contains(id.getResourceType())) {
			return Optional.empty();
		}
		try {
			return Optional.of(theDaos.getResourceDao(id.getResourceType()).read(id.toUnqualifiedVersionless(), theRequest));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}
}
