package org.openimd.server.ingest;

/** What became of an enhanced-mode application ACK (MSH-16) owed to a sender. */
enum ApplicationAckStatus {
	/** Being sent, or waiting for another attempt. */
	PENDING,
	/** The sender's return route confirmed it with an accept ACK. */
	SENT,
	/** Every attempt failed; the outcome is still at /ingest/messages/{id}. */
	FAILED,
	/** No return route is configured for the sender (openimd.ingest.application-ack-routes). */
	NO_ROUTE
}
