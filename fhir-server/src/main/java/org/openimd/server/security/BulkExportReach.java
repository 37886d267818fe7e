package org.openimd.server.security;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.openimd.server.security.login.Role;

/**
 * What a token may take out of OpenIMD by Bulk Data export: only a system's (SMART Backend Services)
 * {@code system/} scopes that read a type, without a granular filter, count. The types are those
 * scopes', less what no export carries (Binary, which HAPI's export refuses too; what belongs to whoever
 * created it, {@link OwnedResources}; the audit trail, unless the system is an administrator's or acts
 * for nobody, as for reads). A system acting for an organisation exports only the patients the
 * organisation reaches, and a pharmacy's only their pump data.
 *
 * @param types the resource types it may export
 * @param patients the ids of the patients it reaches; empty when it reaches every patient
 * @param pumpDataOnly whether devices, prescriptions and dispenses are limited to pump data ({@link PumpDataOnly})
 */
record BulkExportReach(Set<String> types, Optional<Set<String>> patients, boolean pumpDataOnly) {

	private static final Set<String> NEVER_EXPORTED = Set.of("Binary");
	private static final String SYSTEM = "system";

	/**
	 * @param theAllTypes every resource type the server stores, which a {@code system/*} scope names
	 * @param theOwnedTypes the types that belong to whoever created them
	 */
	static Optional<BulkExportReach> of(AccessContext theAccess, Collection<String> theAllTypes, Set<String> theOwnedTypes) {
		List<AccessContext.Grant> reading = theAccess.grants().stream()
				.filter(grant -> grant.scope().context().equals(SYSTEM) && grant.scope().filter().isEmpty() && grant.reachesSomeone())
				.filter(grant -> grant.scope().permits('r') || grant.scope().permits('s'))
				.toList();
		Set<String> types = new TreeSet<>();
		for (AccessContext.Grant grant : reading) {
			Collection<String> named = grant.scope().anyResourceType() ? theAllTypes : List.of(grant.scope().resourceType());
			named.stream().filter(type -> grant.permits(type, 'r') || grant.permits(type, 's')).forEach(types::add);
		}
		types.removeAll(NEVER_EXPORTED);
		types.removeAll(theOwnedTypes);
		if (theAccess.policy().filter(role -> role != Role.ADMIN).isPresent()) {
			types.remove(SmartAuthorizationInterceptor.AUDIT_EVENT);
		}
		if (types.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(new BulkExportReach(Set.copyOf(types), theAccess.patientLimit().map(Set::copyOf),
				reading.stream().anyMatch(AccessContext.Grant::pumpDataOnly)));
	}
}
