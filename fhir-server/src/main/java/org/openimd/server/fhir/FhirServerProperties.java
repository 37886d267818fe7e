package org.openimd.server.fhir;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the FHIR REST API under {@code openimd.fhir}.
 *
 * @param publicBaseUrl the FHIR base URL clients see, when the server runs behind a proxy; empty means
 *     "as the incoming request addressed us"
 * @param defaultPageSize search results per page when the client gives no {@code _count}
 * @param maxPageSize the largest {@code _count} honoured
 * @param idcoValueMaxMatches the most IdcoObservations an {@code idco-value} search may match; beyond
 *     it the client is asked to narrow the search (a first page of at most this many loaded at once,
 *     with nothing but {@code idco-value}, takes only what it shows and is never refused)
 * @param maxRequestBytes the largest request body accepted; 413 beyond
 * @param maxBundleEntries the most entries a batch or transaction may have; 413 beyond
 */
@ConfigurationProperties("openimd.fhir")
public record FhirServerProperties(
		@DefaultValue("") String publicBaseUrl,
		@DefaultValue("20") int defaultPageSize,
		@DefaultValue("200") int maxPageSize,
		@DefaultValue("10000") int idcoValueMaxMatches,
		@DefaultValue("16777216") long maxRequestBytes,
		@DefaultValue("500") int maxBundleEntries) {}
