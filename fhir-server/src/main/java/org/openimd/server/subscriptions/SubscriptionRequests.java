package org.openimd.server.subscriptions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionCanonicalizer;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.CanonicalTopicSubscriptionFilter;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.hl7.fhir.r5.model.SubscriptionTopic;
import org.openimd.server.fhir.CheckedWhenStored;
import org.springframework.context.ApplicationEventPublisher;

/**
 * What a client may ask for as a Subscription: a topic-based one (R4 Subscriptions Backport) on one of
 * OpenIMD's topics, filtered only by what the topic offers, delivered by rest-hook over HTTPS (plain
 * HTTP only to a loopback address, and only where the server allows it) or over the websocket, with
 * the resource ids or the resources themselves. A new one gets its event count, and a rest-hook its
 * handshake once the subscription is committed.
 */
class SubscriptionRequests extends CheckedWhenStored {

	/** What a notification carries: without even the id, nothing could say whether its subscriber may read it. */
	private static final Set<org.hl7.fhir.r5.model.Subscription.SubscriptionPayloadContent> CONTENTS = Set.of(
			org.hl7.fhir.r5.model.Subscription.SubscriptionPayloadContent.IDONLY,
			org.hl7.fhir.r5.model.Subscription.SubscriptionPayloadContent.FULLRESOURCE);

	private final SubscriptionCanonicalizer myCanonicalizer;
	private final SubscriptionTopicRegistry myTopics;
	private final SubscriptionEvents myEvents;
	private final ApplicationEventPublisher myPublisher;
	private final boolean myLoopbackHttp;

	SubscriptionRequests(SubscriptionCanonicalizer theCanonicalizer, SubscriptionTopicRegistry theTopics, SubscriptionEvents theEvents,
			ApplicationEventPublisher thePublisher, boolean theLoopbackHttp) {
		myCanonicalizer = theCanonicalizer;
		myTopics = theTopics;
		myEvents = theEvents;
		myPublisher = thePublisher;
		myLoopbackHttp = theLoopbackHttp;
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof Subscription subscription) || theRequest instanceof SystemRequestDetails) {
			return;
		}
		if (!subscription.getMeta().hasProfile(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL)) {
			throw refused("only topic-based subscriptions are offered: meta.profile must name "
					+ SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL + " and criteria one of " + Topics.URLS);
		}
		SubscriptionTopic topic = Topics.URLS.contains(subscription.getCriteria())
				? myTopics.findSubscriptionTopicByUrl(subscription.getCriteria()).orElse(null)
				: null;
		if (topic == null) {
			throw refused("Subscription.criteria must be one of OpenIMD's topics: " + Topics.URLS);
		}
		CanonicalSubscription canonical = myCanonicalizer.canonicalize(subscription);
		checkFilters(canonical, topic);
		checkChannel(subscription);
		if (!CONTENTS.contains(canonical.getTopicSubscription().getContent())) {
			throw refused("the payload content must be id-only or full-resource");
		}
		Integer heartbeat = canonical.getTopicSubscription().getHeartbeatPeriod();
		if (heartbeat != null && heartbeat < 1) {
			throw refused("a heartbeat period is a whole number of seconds, at least 1");
		}
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof Subscription subscription && !(theRequest instanceof SystemRequestDetails)) {
			String id = subscription.getIdElement().toUnqualifiedVersionless().getValue();
			myEvents.start(id);
			myPublisher.publishEvent(new SubscriptionRequested(id));
		}
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource theResource) {
		if (theResource instanceof Subscription) {
			myEvents.forget(theResource.getIdElement().toUnqualifiedVersionless().getValue());
		}
	}

	private static void checkFilters(CanonicalSubscription theSubscription, SubscriptionTopic theTopic) {
		Set<String> offered = theTopic.getCanFilterBy().stream()
				.map(filter -> filter.getResource() + "?" + filter.getFilterParameter()).collect(Collectors.toSet());
		if (theSubscription.getTopicSubscription().getFilters().isEmpty()) {
			// HAPI's backport support asks for one; every topic offers one that lets through all the subscriber may read.
			throw refused("name at least one filter (Subscription.criteria's backport-filter-criteria); topic " + theTopic.getUrl()
					+ " filters by " + offered.stream().sorted().toList());
		}
		for (CanonicalTopicSubscriptionFilter filter : theSubscription.getTopicSubscription().getFilters()) {
			if (!offered.contains(filter.getResourceType() + "?" + filter.getFilterParameter())) {
				throw refused("topic " + theTopic.getUrl() + " filters only by " + offered.stream().sorted().toList() + ", not by "
						+ filter.getResourceType() + "?" + filter.getFilterParameter());
			}
		}
	}

	private void checkChannel(Subscription theSubscription) {
		Subscription.SubscriptionChannelType type = theSubscription.getChannel().getType();
		if (type == Subscription.SubscriptionChannelType.WEBSOCKET) {
			return;
		}
		if (type != Subscription.SubscriptionChannelType.RESTHOOK) {
			throw refused("the channel is rest-hook or websocket");
		}
		refusalOfEndpoint(theSubscription.getChannel().getEndpoint(), myLoopbackHttp).ifPresent(reason -> {
			throw refused(reason);
		});
	}

	/** Why a rest-hook may not go to {@code theEndpoint}; empty when it may. */
	static Optional<String> refusalOfEndpoint(String theEndpoint, boolean theLoopbackHttp) {
		URI endpoint;
		try {
			endpoint = new URI(theEndpoint);
		} catch (URISyntaxException | NullPointerException e) {
			return Optional.of("a rest-hook needs an absolute endpoint URL");
		}
		String scheme = Optional.ofNullable(endpoint.getScheme()).orElse("").toLowerCase(Locale.ROOT);
		if (scheme.equals("https") && endpoint.getHost() != null
				|| scheme.equals("http") && theLoopbackHttp && loopback(endpoint.getHost())) {
			return Optional.empty();
		}
		return Optional.of("a rest-hook endpoint must be https" + (theLoopbackHttp ? ", or http to a loopback address" : "")
				+ ": notifications carry patient data");
	}

	private static boolean loopback(String theHost) {
		if (theHost == null) {
			return false;
		}
		try {
			// Only literal addresses and localhost: a name that resolves to a loopback address today may not tomorrow.
			return (theHost.equals("localhost") || theHost.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]"))
					&& InetAddress.getByName(theHost.replace("[", "").replace("]", "")).isLoopbackAddress();
		} catch (UnknownHostException e) {
			return false;
		}
	}

	private static UnprocessableEntityException refused(String theReason) {
		return new UnprocessableEntityException("Subscription refused: " + theReason);
	}

	/** A client's subscription is stored: its rest-hook gets a handshake once the transaction has committed. */
	record SubscriptionRequested(String subscription) {}
}
