package org.openimd.server.security;

import org.openimd.server.fhir.FhirServerProperties;

/** The FHIR base URL clients use: configured for a server behind a proxy, else under the issuer's origin. */
final class FhirBase {

	private FhirBase() {}

	static String of(FhirServerProperties theFhir, String theIssuer) {
		return theFhir.publicBaseUrl().isBlank() ? theIssuer + "/fhir" : theFhir.publicBaseUrl();
	}
}
