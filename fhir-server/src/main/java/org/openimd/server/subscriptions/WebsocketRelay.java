package org.openimd.server.subscriptions;

import ca.uhn.fhir.broker.api.IChannelProducer;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.channel.subscription.SubscriptionChannelRegistry;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscriptionChannelType;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryJsonMessage;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.openimd.server.fhir.StorageInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Websocket notifications for subscribers connected to any node. HAPI matches a change on whichever
 * node claims it and hands the notification to that node's websocket connections only, so a subscriber
 * whom a load balancer connected to another node would hear nothing. Each notification the gate let
 * through for a websocket subscription is also written to {@code openimd_websocket_relay}; every node
 * reads what the others wrote and hands it to its own connections bound to that subscription, through
 * HAPI's delivery channel as if it had matched it itself. Only where nodes share a database (PostgreSQL).
 */
class WebsocketRelay implements StorageInterceptor {

	private static final Logger ourLog = LoggerFactory.getLogger(WebsocketRelay.class);
	/** After {@link NotificationGate}, which numbers the notification and may withhold it. */
	static final int AFTER_THE_GATE = 100;
	/**
	 * How far back each look reaches: rows another node committed late, or stamped by a clock a little
	 * behind, are still found; each is handed on once. A project decision, far above both.
	 */
	static final Duration LOOK_BACK = Duration.ofSeconds(30);
	/** How long rows are kept: every node has looked several times by then (a project decision). */
	static final Duration KEPT = Duration.ofMinutes(5);

	private final String myNode = UUID.randomUUID().toString();
	private final FhirContext myFhir;
	private final JdbcTemplate myJdbc;
	private final SubscriptionRegistry mySubscriptions;
	private final SubscriptionChannelRegistry myChannels;
	private final Clock myClock;
	private final Set<Long> myHandedOn = new HashSet<>();

	WebsocketRelay(FhirContext theFhir, JdbcTemplate theJdbc, SubscriptionRegistry theSubscriptions, SubscriptionChannelRegistry theChannels,
			Clock theClock) {
		myFhir = theFhir;
		myJdbc = theJdbc;
		mySubscriptions = theSubscriptions;
		myChannels = theChannels;
		myClock = theClock;
	}

	@Hook(value = Pointcut.SUBSCRIPTION_RESOURCE_MATCHED, order = AFTER_THE_GATE)
	public boolean matched(CanonicalSubscription theSubscription, ResourceDeliveryMessage theDelivery) throws JsonProcessingException {
		if (theSubscription.getChannelType() == CanonicalSubscriptionChannelType.WEBSOCKET) {
			myJdbc.update("insert into openimd_websocket_relay (origin, message, created_at) values (?, ?, ?)", myNode,
					new ResourceDeliveryJsonMessage(theDelivery).asJson(), Timestamp.from(myClock.instant()));
		}
		return true;
	}

	/** Hands what other nodes matched lately to this node's websocket connections, each once. */
	void handOnFromOtherNodes() {
		Instant since = myClock.instant().minus(LOOK_BACK);
		List<Map<String, Object>> rows = myJdbc.queryForList(
				"select id, message from openimd_websocket_relay where created_at > ? and origin <> ? order by id", Timestamp.from(since), myNode);
		Set<Long> inWindow = new HashSet<>();
		for (Map<String, Object> row : rows) {
			long id = ((Number) row.get("id")).longValue();
			inWindow.add(id);
			if (!myHandedOn.contains(id)) {
				handOn((String) row.get("message"));
				myHandedOn.add(id);
			}
		}
		myHandedOn.retainAll(inWindow);
	}

	private void handOn(String theMessage) {
		try {
			ResourceDeliveryJsonMessage message = ResourceDeliveryJsonMessage.fromJson(theMessage);
			ActiveSubscription subscription = mySubscriptions.get(message.getPayload().getSubscription().getIdElement(myFhir).getIdPart());
			// A subscription this node does not know yet has no connection bound to it here.
			IChannelProducer<ResourceDeliveryMessage> channel = subscription == null ? null : myChannels.getDeliveryChannelProducer(subscription.getChannelName());
			if (channel != null) {
				channel.send(message);
			}
		} catch (JsonProcessingException | RuntimeException e) {
			ourLog.warn("A websocket notification relayed from another node could not be handed on: {}", e.toString());
		}
	}

	/** Removes rows every node has seen; one node a period does it. */
	void prune() {
		myJdbc.update("delete from openimd_websocket_relay where created_at < ?", Timestamp.from(myClock.instant().minus(KEPT)));
	}
}
