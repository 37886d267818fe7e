package org.openimd.server.fhir;

/**
 * An interceptor on HAPI's JPA storage (it sees every write and search, whoever makes it: REST,
 * transactions, ingest, subscriptions). A feature declares one as a bean of this type;
 * {@code FhirJpaConfig} registers them all, in one place.
 */
public interface StorageInterceptor {}
