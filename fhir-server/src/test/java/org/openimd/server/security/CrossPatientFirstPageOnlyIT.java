package org.openimd.server.security;

/** The cross-patient suite, each request on its own and each search answered at once, as the web app asks. */
class CrossPatientFirstPageOnlyIT extends CrossPatientSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.FIRST_PAGE_ONLY;
	}
}
