package org.openimd.server.security;

import java.util.List;

/**
 * The one gate of the FHIR API, as the interceptors that make it up, in the order they must be
 * registered: the request check ({@link SmartRequestGate}) and the search gate ({@link SearchGate}),
 * HAPI's search narrowing, the filter that leaves what the rules deny out of answers of many resources,
 * HAPI's authorization rules built from the token ({@link SmartAuthorizationInterceptor}), the guard
 * against moving a resource to another patient, the write gate ({@link WriteGate}), and the
 * CapabilityStatement's security declaration. Each hooks a HAPI pointcut that requests on their own and
 * entries of batches and transactions both pass.
 */
public record FhirApiGuards(List<Object> interceptors) {}
