package org.openimd.server.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import org.hl7.fhir.r5.model.SubscriptionTopic;
import org.junit.jupiter.api.Test;

class SubscriptionMatchingScopeTest {

	private final SubscriptionTopicRegistry myTopics = new SubscriptionTopicRegistry();
	private final SubscriptionMatchingScope myScope = new SubscriptionMatchingScope(myTopics);

	@Test
	void onlyChangesToWhatATopicTriggersOnAndToTheMatchingMachineryAreMatched() {
		SubscriptionTopic transmission = new SubscriptionTopic().setUrl("https://openimd.org/fhir/SubscriptionTopic/transmission");
		transmission.setId("transmission");
		transmission.addResourceTrigger().setResource("DiagnosticReport");
		myTopics.register(transmission);

		assertThat(myScope.worthMatching("DiagnosticReport")).isTrue();
		assertThat(myScope.worthMatching("Subscription")).as("HAPI activates subscriptions from this stream").isTrue();
		assertThat(myScope.worthMatching("Basic")).as("R4 backport topics are Basic resources").isTrue();
		assertThat(myScope.worthMatching("Observation")).isFalse();
		assertThat(myScope.worthMatching("AuditEvent")).isFalse();
	}

	@Test
	void aTopicRegisteredLaterWidensTheScope() {
		assertThat(myScope.worthMatching("Task")).isFalse();

		SubscriptionTopic alert = new SubscriptionTopic().setUrl("https://openimd.org/fhir/SubscriptionTopic/alert");
		alert.setId("alert");
		alert.addResourceTrigger().setResource("Task");
		myTopics.register(alert);

		assertThat(myScope.worthMatching("Task")).isTrue();
	}
}
