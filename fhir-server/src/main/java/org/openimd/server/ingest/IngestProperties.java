package org.openimd.server.ingest;

import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Ingest settings under {@code openimd.ingest}.
 *
 * @param senderTimeZone the zone in which times that senders give without an offset are read (FHIR
 *     needs one; many device systems send local time)
 */
@ConfigurationProperties("openimd.ingest")
record IngestProperties(@DefaultValue("UTC") ZoneId senderTimeZone) {}
