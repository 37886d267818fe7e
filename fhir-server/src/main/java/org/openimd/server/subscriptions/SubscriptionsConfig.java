package org.openimd.server.subscriptions;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.channel.subscription.SubscriptionChannelRegistry;
import ca.uhn.fhir.jpa.subscription.match.deliver.websocket.SubscriptionWebsocketHandler;
import ca.uhn.fhir.jpa.subscription.match.deliver.websocket.WebsocketConnectionValidator;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionCanonicalizer;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.openimd.server.ClusterJob;
import org.openimd.server.security.OwnedResources;
import org.openimd.server.security.StandingAccess;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.task.ThreadPoolTaskSchedulerBuilder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/**
 * Topic-based subscriptions (R4 Subscriptions Backport) on HAPI's subscription machinery: HAPI matches
 * each stored resource against the topics and delivers; OpenIMD decides who may subscribe to what, lets
 * a notification go only where its owner may read it, numbers events, shakes hands, beats hearts and
 * answers {@code $status} and {@code $events}.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class SubscriptionsConfig {

	/** Where a websocket subscriber connects and binds its subscription. */
	static final String WEBSOCKET_PATH = "/websocket";

	@Bean
	OwnedResources subscriptionOwnership() {
		return new OwnedResources() {
			@Override
			public String resourceType() {
				return "Subscription";
			}

			@Override
			public Set<String> instanceOperations() {
				return SubscriptionOperationsProvider.OPERATIONS;
			}
		};
	}

	@Bean
	SubscriptionEvents subscriptionEvents(JdbcTemplate theJdbc, PlatformTransactionManager theTransactions,
			SubscriptionProperties theProperties, Clock theClock) {
		return new SubscriptionEvents(theJdbc, new TransactionTemplate(theTransactions), theClock, theProperties.eventsKept());
	}

	@Bean
	SubscriptionRequests subscriptionRequests(SubscriptionCanonicalizer theCanonicalizer, SubscriptionTopicRegistry theTopics,
			SubscriptionEvents theEvents, ApplicationEventPublisher thePublisher, SubscriptionProperties theProperties) {
		return new SubscriptionRequests(theCanonicalizer, theTopics, theEvents, thePublisher, theProperties.allowLoopbackHttp());
	}

	/** Subscription pointcuts fire outside any request: only a storage interceptor sees them. */
	@Bean
	NotificationGate notificationGate(FhirContext theFhir, DaoRegistry theDaos, StandingAccess theStanding, SubscriptionEvents theEvents,
			MeterRegistry theMeters, Clock theClock) {
		return new NotificationGate(theFhir, theDaos, theStanding, theEvents, theMeters, theClock);
	}

	@Bean
	SubscriptionMatchingScope subscriptionMatchingScope(SubscriptionTopicRegistry theTopics) {
		return new SubscriptionMatchingScope(theTopics);
	}

	@Bean
	Notifications notifications(FhirContext theFhir, SubscriptionProperties theProperties) {
		return new Notifications(theFhir, theProperties.deliveryTimeout());
	}

	@Bean
	SubscriberContact subscriberContact(DaoRegistry theDaos, Notifications theNotifications, SubscriptionEvents theEvents,
			StandingAccess theStanding, ThreadPoolTaskScheduler handshakeWatch, Clock theClock) {
		return new SubscriberContact(theDaos, theNotifications, theEvents, theStanding, handshakeWatch, theClock);
	}

	/** Handshakes, off the requests that store subscriptions: no answer waits for a subscriber's endpoint. */
	@Bean
	ThreadPoolTaskScheduler handshakeWatch(ThreadPoolTaskSchedulerBuilder theSchedulers) {
		return theSchedulers.threadNamePrefix("openimd-handshakes-").build();
	}

	@Bean
	ClusterJob heartbeats(SubscriberContact theContact, SubscriptionProperties theProperties) {
		return new ClusterJob("subscription-heartbeats", theProperties.heartbeatCheckEvery(), theContact::beatDue);
	}

	/**
	 * Where nodes share a database (PostgreSQL), a node matches changes against subscriptions stored through
	 * the others and websocket notifications reach subscribers on every node; an H2 database belongs to one
	 * process, so there is no other node to reach.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnExpression("'${spring.datasource.url:}'.startsWith('jdbc:postgresql:')")
	static class AcrossNodes {

		@Bean
		WebsocketRelay websocketRelay(FhirContext theFhir, JdbcTemplate theJdbc, SubscriptionRegistry theSubscriptions,
				SubscriptionChannelRegistry theChannels, Clock theClock) {
			return new WebsocketRelay(theFhir, theJdbc, theSubscriptions, theChannels, theClock);
		}

		@Bean
		SubscriptionCatchUp subscriptionCatchUp(JdbcTemplate theJdbc, SubscriptionLoader theSubscriptions) {
			return new SubscriptionCatchUp(theJdbc, theSubscriptions);
		}

		@Bean
		ThreadPoolTaskScheduler websocketRelayWatch(ThreadPoolTaskSchedulerBuilder theSchedulers) {
			return theSchedulers.threadNamePrefix("openimd-websocket-relay-").build();
		}

		@Bean
		ScheduledFuture<?> websocketRelayLooks(ThreadPoolTaskScheduler websocketRelayWatch, WebsocketRelay theRelay,
				SubscriptionProperties theProperties) {
			return websocketRelayWatch.scheduleWithFixedDelay(theRelay::handOnFromOtherNodes, theProperties.websocketRelayEvery());
		}

		@Bean
		ClusterJob websocketRelayPruning(WebsocketRelay theRelay) {
			return new ClusterJob("websocket-relay-pruning", WebsocketRelay.KEPT, theRelay::prune);
		}
	}

	@Bean
	SubscriptionOperationsProvider subscriptionOperations(DaoRegistry theDaos, SubscriptionEvents theEvents, Clock theClock) {
		return new SubscriptionOperationsProvider(theDaos, theEvents, theClock);
	}

	@Bean
	SubscriptionCapability subscriptionCapability() {
		return new SubscriptionCapability();
	}

	@Bean
	WebsocketConnectionValidator websocketConnectionValidator() {
		return new WebsocketConnectionValidator();
	}

	@Bean
	SubscriptionWebsocketHandler subscriptionWebSocketHandler() {
		return new SubscriptionWebsocketHandler();
	}

	@Bean
	WebSocketConfigurer subscriptionWebsockets(SubscriptionWebsocketHandler theHandler, DaoRegistry theDaos) {
		return new WebSocketConfigurer() {
			@Override
			public void registerWebSocketHandlers(WebSocketHandlerRegistry theRegistry) {
				theRegistry.addHandler(new OwnerBoundWebsocket(theHandler, theDaos), WEBSOCKET_PATH);
			}
		};
	}
}
