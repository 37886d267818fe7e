package org.openimd.server.fhir;

/**
 * Which stored changes a subscription could be about, declared by the feature that offers subscriptions:
 * HAPI's subscription matcher is handed only those ({@link ScopedSubscriptionMatcher}).
 */
public interface MatchingScope {

	boolean worthMatching(String theResourceType);
}
