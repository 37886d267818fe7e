package org.openimd.server.subscriptions;

import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import java.util.Set;
import org.openimd.server.fhir.MatchingScope;

/**
 * Hands HAPI's subscription matching only the changes a subscription could be about. OpenIMD offers
 * topic-based subscriptions only ({@link SubscriptionRequests}), so a change matters if a registered
 * topic triggers on its resource type, or if it is a Subscription or a topic (R4 backport topics are
 * Basic resources), which HAPI activates and registers from the same stream. HAPI would otherwise keep
 * every other change (an interrogation's Observation, its Device, its Provenance, the audit trail) in the
 * database for the matcher, read it back, parse it with its narrative, and match it against nothing: a
 * quarter of the server's processor time during ingest.
 */
class SubscriptionMatchingScope implements MatchingScope {

	private static final Set<String> MATCHING_MACHINERY = Set.of("Subscription", "Basic");

	private final SubscriptionTopicRegistry myTopics;

	SubscriptionMatchingScope(SubscriptionTopicRegistry theTopics) {
		myTopics = theTopics;
	}

	@Override
	public boolean worthMatching(String theResourceType) {
		return MATCHING_MACHINERY.contains(theResourceType) || myTopics.getAll().stream()
				.flatMap(topic -> topic.getResourceTrigger().stream())
				.anyMatch(trigger -> theResourceType.equals(trigger.getResource()));
	}
}
