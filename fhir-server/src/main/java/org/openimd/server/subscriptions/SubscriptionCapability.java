package org.openimd.server.subscriptions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;

/**
 * Says in the CapabilityStatement what the Subscriptions Backport asks a server to say: that it is a
 * backport subscription server, that its Subscriptions follow the backport profile, and which topics a
 * client may subscribe to.
 */
public class SubscriptionCapability {

	static final String SERVER_CAPABILITIES = "http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4";
	static final String TOPIC_EXTENSION = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void generated(IBaseConformance theCapabilityStatement) {
		CapabilityStatement capabilities = (CapabilityStatement) theCapabilityStatement;
		capabilities.addInstantiates(SERVER_CAPABILITIES);
		capabilities.getRest().stream().flatMap(rest -> rest.getResource().stream())
				.filter(resource -> resource.getType().equals("Subscription"))
				.forEach(subscription -> {
					subscription.addSupportedProfile(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL);
					Topics.URLS.forEach(topic -> subscription.addExtension(TOPIC_EXTENSION, new CanonicalType(topic)));
				});
	}
}
