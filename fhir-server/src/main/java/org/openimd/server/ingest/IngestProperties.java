package org.openimd.server.ingest;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ingest settings under {@code openimd.ingest}.
 *
 * @param senderTimeZone the zone in which times that senders give without an offset are read (FHIR
 *     needs one; many device systems send local time)
 * @param applicationAckRoutes where senders that ask for enhanced-mode application ACKs (MSH-16)
 *     receive them: an MLLP {@code host:port} per sender, keyed by {@code MSH-3^MSH-4} or by MSH-3
 *     alone, e.g. {@code openimd.ingest.application-ack-routes[PACEART^CLINIC]=paceart.example:2576}
 * @param applicationAckAttempts how often an application ACK is tried before it is filed as failed
 * @param applicationAckTimeout how long one attempt may take to connect, and then to be confirmed
 */
@ConfigurationProperties("openimd.ingest")
record IngestProperties(
		@DefaultValue("UTC") ZoneId senderTimeZone,
		Map<String, String> applicationAckRoutes,
		@DefaultValue("5") int applicationAckAttempts,
		@DefaultValue("10s") Duration applicationAckTimeout) {

	IngestProperties {
		applicationAckRoutes = applicationAckRoutes == null ? Map.of() : Map.copyOf(applicationAckRoutes);
	}
}
