package org.openimd.server.ingest;

/** Where a received message stands. */
enum IngestStatus {
	/** Stored raw; not yet (or never, if the server stopped) processed. */
	RECEIVED,
	/** Its FHIR data is committed. */
	ACCEPTED,
	/** Its content or form was refused; it wrote no FHIR data. */
	REJECTED,
	/** A copy (same sender and MSH-10) of an accepted message; acknowledged again, nothing written. */
	DUPLICATE
}
