package org.openimd.server.fhir;

import java.util.Set;

/**
 * How HAPI is to treat references at some paths, as a feature declares it with a bean of this type:
 * {@code FhirJpaConfig} hands every declaration to HAPI once, so that no feature changes HAPI's shared
 * settings as a side effect of making its own beans.
 */
public record ReferencePaths(Rule rule, Set<String> paths) {

	public enum Rule {
		/** A stored reference keeps the version it names (HAPI's parsers strip it everywhere else). */
		KEEP_VERSION,
		/** A reference here does not stop its target from being deleted. */
		DO_NOT_BLOCK_DELETES
	}

	public ReferencePaths(Rule theRule, String... thePaths) {
		this(theRule, Set.of(thePaths));
	}
}
