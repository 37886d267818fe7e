package org.openimd.server.ingest;

import java.time.Instant;

/** One stored message without its bytes, as the message endpoints list it. */
record IngestedMessage(
		long id,
		Instant receivedAt,
		IngestTransport transport,
		String remoteAddress,
		String sender,
		String controlId,
		String messageType,
		IngestStatus status,
		String ackCode,
		String error,
		String warnings,
		String fhirReport,
		int size,
		ApplicationAckStatus applicationAck,
		String applicationAckCode) {}
