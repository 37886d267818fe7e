package org.openimd.server.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Stores a transaction bundle the server built itself, all or nothing, at less cost than HAPI's
 * transaction processing: for the bundles a server writes with every message it takes in, and the
 * audit trail's batches.
 *
 * <p>The bundle holds only creates ({@code POST}, optionally with {@code ifNoneExist}) and updates
 * ({@code PUT} by id or by a conditional URL), and an entry refers by {@code fullUrl} only to entries
 * before it. Anything else is a programming error; it is refused, and nothing is stored.
 */
public interface InOrderTransactions {

	/** The id each entry's resource has now (the one found, for a conditional create that matched), in entry order. */
	default List<IIdType> store(Bundle theTransaction) {
		return store(theTransaction, new SystemRequestDetails());
	}

	/** As {@link #store(Bundle)}, each write made as {@code theRequest}, which the storage hooks see. */
	List<IIdType> store(Bundle theTransaction, RequestDetails theRequest);
}
