package org.openimd.server.security;

/** The cross-patient suite, each request on its own. */
class CrossPatientIT extends CrossPatientSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.PLAIN;
	}
}
