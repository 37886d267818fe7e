package org.openimd.server.security;

import ca.uhn.fhir.i18n.Msg;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * How an operation reads what its caller names: as the caller, through the same rules as a read
 * (HAPI checks what storage shows to a request whose operation rule requires its responses to be
 * authorized), answering for something out of reach exactly as for something that does not exist.
 */
public final class CallerReads {

	private CallerReads() {}

	/** {@code theId} read as {@code theCaller}; a resource out of their reach is "not known", as a missing one is. */
	public static <T extends IBaseResource> T read(IFhirResourceDao<T> theDao, IIdType theId, RequestDetails theCaller) {
		try {
			return theDao.read(theId.toUnqualifiedVersionless(), theCaller);
		} catch (ForbiddenOperationException outOfReach) {
			throw notKnown(theId);
		}
	}

	/** Whether {@code theCaller} may read {@code theId}: what an answer may name of other records. */
	public static boolean mayRead(IFhirResourceDao<?> theDao, IIdType theId, RequestDetails theCaller) {
		try {
			theDao.read(theId.toUnqualifiedVersionless(), theCaller);
			return true;
		} catch (ForbiddenOperationException | ResourceNotFoundException | ResourceGoneException outOfReachOrGone) {
			return false;
		}
	}

	/** The answer HAPI gives for an id it does not know, word for word. */
	public static ResourceNotFoundException notKnown(IIdType theId) {
		return new ResourceNotFoundException(Msg.code(2001) + "Resource " + theId.getResourceType() + "/" + theId.getIdPart() + " is not known");
	}
}
