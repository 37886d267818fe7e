package org.openimd.server.security;

/** The role matrix, every request wrapped in a batch. */
class RoleMatrixInBatchIT extends RoleMatrixSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.IN_A_BATCH;
	}
}
