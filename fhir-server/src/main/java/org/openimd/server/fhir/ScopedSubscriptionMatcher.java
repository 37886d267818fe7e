package org.openimd.server.fhir;

import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * HAPI's subscription matcher, handed only the changes every {@link MatchingScope} finds worth matching.
 * HAPI's own builds its message for every stored change, encoding the whole resource, before its
 * {@code SUBSCRIPTION_RESOURCE_MODIFIED} hook may drop it. For audit events and an interrogation's
 * observations, which no subscription is about, that encoding was 9–13 % of the audit writer's processor
 * time and 5 % of the ingest threads' (Java Flight Recorder, ingest and query benchmarks).
 */
class ScopedSubscriptionMatcher extends SubscriptionMatcherInterceptor {

	/** The name under which HAPI's {@code SubscriptionMatcherInterceptorConfig} defines its matcher. */
	private static final String HAPI_BEAN = "subscriptionMatcherInterceptor";

	private final List<MatchingScope> myScopes;

	ScopedSubscriptionMatcher(List<MatchingScope> theScopes) {
		myScopes = theScopes;
	}

	/**
	 * Puts this matcher in place of HAPI's under HAPI's bean name, so that HAPI's loader registers it;
	 * HAPI's other beans are left as HAPI defines them.
	 */
	static BeanDefinitionRegistryPostProcessor inPlaceOfHapis() {
		return theRegistry -> {
			theRegistry.removeBeanDefinition(HAPI_BEAN);
			theRegistry.registerBeanDefinition(HAPI_BEAN, new RootBeanDefinition(ScopedSubscriptionMatcher.class));
		};
	}

	@Override
	protected void processResourceModifiedEvent(IBaseResource theResource, ResourceModifiedMessage.OperationTypeEnum theOperation,
			RequestDetails theRequest) {
		String type = theResource.fhirType();
		if (myScopes.stream().allMatch(scope -> scope.worthMatching(type))) {
			super.processResourceModifiedEvent(theResource, theOperation, theRequest);
		}
	}
}
