package org.openimd.server.subscriptions;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import java.util.concurrent.atomic.AtomicReference;
import org.openimd.server.fhir.StorageInterceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A node matches a stored change only against subscriptions it knows of, and HAPI tells a node of
 * subscriptions stored through another node only by reloading them from the database once a minute.
 * Whichever node claims a stored change first matches it, so a subscription created through one node
 * would miss, for up to a minute, every change another node claims. Before matching, this node looks
 * whether any Subscription was stored, changed or deleted since it last loaded them (one aggregate over
 * HAPI's resource table: a create adds a row, an update or delete raises its version) and, if so, loads
 * them first. Only where nodes share a database (PostgreSQL).
 */
class SubscriptionCatchUp implements StorageInterceptor {

	private static final Logger ourLog = LoggerFactory.getLogger(SubscriptionCatchUp.class);
	private static final String SUBSCRIPTIONS_STORED = "select count(*) || '/' || coalesce(sum(res_ver), 0) from hfj_resource where res_type = 'Subscription'";

	private final JdbcTemplate myJdbc;
	private final SubscriptionLoader mySubscriptions;
	private final AtomicReference<String> myLoaded = new AtomicReference<>("");

	SubscriptionCatchUp(JdbcTemplate theJdbc, SubscriptionLoader theSubscriptions) {
		myJdbc = theJdbc;
		mySubscriptions = theSubscriptions;
	}

	@Hook(Pointcut.SUBSCRIPTION_TOPIC_BEFORE_PERSISTED_RESOURCE_CHECKED)
	public boolean beforeMatching() {
		try {
			String stored = myJdbc.queryForObject(SUBSCRIPTIONS_STORED, String.class);
			String loaded = myLoaded.get();
			if (!stored.equals(loaded)) {
				// read before loading: a change made while loading is loaded by the next match
				mySubscriptions.forceRefresh();
				myLoaded.compareAndSet(loaded, stored);
			}
		} catch (DataAccessException e) {
			// HAPI has already taken the change off its queue: matched against what this node knows, it
			// still reaches the subscriptions this node has loaded
			ourLog.warn("Could not look for subscriptions stored through other nodes before matching: {}", e.toString());
		}
		return true;
	}
}
