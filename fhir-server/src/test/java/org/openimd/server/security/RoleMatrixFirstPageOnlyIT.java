package org.openimd.server.security;

/** The role matrix, each request on its own and each search answered at once, as the web app asks. */
class RoleMatrixFirstPageOnlyIT extends RoleMatrixSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.FIRST_PAGE_ONLY;
	}
}
