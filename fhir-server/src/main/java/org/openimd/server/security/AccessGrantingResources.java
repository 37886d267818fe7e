package org.openimd.server.security;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * What a feature declares to the write gate ({@link WriteGate}): which of its resources decide who
 * reaches what (a care team, a review assignment), and who may therefore write them. Access is then
 * granted only by those entitled to grant it, whatever the writer's scopes.
 */
public interface AccessGrantingResources {

	/** Who writes a resource that grants access. */
	enum Grantor {
		/** Administrators, and systems that act for nobody in particular (an EHR keeping care teams in step). */
		ADMINISTRATORS,
		/** Only the server's own operations; no client writes it directly. */
		SERVER_OPERATIONS
	}

	/** Who may write {@code theResource}, when it grants access; empty when it grants none. */
	Optional<Grantor> grantorOf(IBaseResource theResource);
}
