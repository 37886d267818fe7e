package org.openimd.server.fhir;

import java.util.List;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Stores a transaction bundle the server built itself, all or nothing, at less cost than HAPI's
 * transaction processing: for the bundles a server writes with every message it takes in.
 *
 * <p>The bundle holds only creates ({@code POST}, optionally with {@code ifNoneExist}) and updates
 * ({@code PUT} by id or by a conditional URL), and an entry refers by {@code fullUrl} only to entries
 * before it. Anything else is a programming error and is refused before anything is stored.
 */
public interface InOrderTransactions {

	/** The id each entry's resource has now (the one found, for a conditional create that matched), in entry order. */
	List<IIdType> store(Bundle theTransaction);
}
