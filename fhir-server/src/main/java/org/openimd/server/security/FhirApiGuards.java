package org.openimd.server.security;

import java.util.List;

/**
 * The interceptors that secure the FHIR API, in the order they must be registered: request checks and
 * search narrowing, then the filter that leaves what the rules deny out of answers of many resources,
 * before HAPI's authorization rules; then the guard against moving a resource to another patient, then
 * the CapabilityStatement's security declaration.
 */
public record FhirApiGuards(List<Object> interceptors) {}
