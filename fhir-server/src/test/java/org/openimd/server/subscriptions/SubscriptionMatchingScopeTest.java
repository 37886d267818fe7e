package org.openimd.server.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r5.model.SubscriptionTopic;
import org.junit.jupiter.api.Test;

class SubscriptionMatchingScopeTest {

	private final SubscriptionTopicRegistry myTopics = new SubscriptionTopicRegistry();
	private final SubscriptionMatchingScope myScope = new SubscriptionMatchingScope(FhirContext.forR4Cached(), myTopics);

	@Test
	void onlyChangesToWhatATopicTriggersOnAndToTheMatchingMachineryAreMatched() {
		SubscriptionTopic transmission = new SubscriptionTopic().setUrl("https://openimd.org/fhir/SubscriptionTopic/transmission");
		transmission.setId("transmission");
		transmission.addResourceTrigger().setResource("DiagnosticReport");
		myTopics.register(transmission);

		assertThat(myScope.worthMatching(created("DiagnosticReport/1"))).isTrue();
		assertThat(myScope.worthMatching(created("Subscription/2"))).as("HAPI activates subscriptions from this stream").isTrue();
		assertThat(myScope.worthMatching(created("Basic/3"))).as("R4 backport topics are Basic resources").isTrue();
		assertThat(myScope.worthMatching(created("Observation/4"))).isFalse();
		assertThat(myScope.worthMatching(created("AuditEvent/5"))).isFalse();
	}

	@Test
	void aTopicRegisteredLaterWidensTheScope() {
		assertThat(myScope.worthMatching(created("Task/1"))).isFalse();

		SubscriptionTopic alert = new SubscriptionTopic().setUrl("https://openimd.org/fhir/SubscriptionTopic/alert");
		alert.setId("alert");
		alert.addResourceTrigger().setResource("Task");
		myTopics.register(alert);

		assertThat(myScope.worthMatching(created("Task/1"))).isTrue();
	}

	private static ResourceModifiedMessage created(String theId) {
		return new ResourceModifiedMessage(new IdType(theId), OperationTypeEnum.CREATE, RequestPartitionId.defaultPartition());
	}
}
