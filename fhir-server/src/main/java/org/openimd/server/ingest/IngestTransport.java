package org.openimd.server.ingest;

/** How a message reached OpenIMD. */
enum IngestTransport {
	MLLP,
	HTTP,
	REPROCESS,
	/** Made by OpenIMD itself: demo data. */
	GENERATED
}
