package org.openimd.server.security;

/** The role matrix, each request on its own. */
class RoleMatrixIT extends RoleMatrixSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.PLAIN;
	}
}
