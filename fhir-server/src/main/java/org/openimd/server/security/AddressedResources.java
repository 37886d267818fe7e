package org.openimd.server.security;

import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * What a feature declares to the write gate ({@link WriteGate}): which of its resources are addressed
 * to people (a message's recipients), since a link to a practitioner is otherwise nobody's record and
 * reaches no patient. A client then addresses only the patients it reaches and those who care for them.
 */
public interface AddressedResources {

	/** Whom {@code theResource} is addressed to ({@code Practitioner/3}, {@code Patient/5}, {@code CareTeam/7}); empty when it is no message. */
	List<String> addresseesOf(IBaseResource theResource);
}
