package org.openimd.server.subscriptions;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code openimd.subscriptions.*}.
 *
 * @param allowLoopbackHttp whether a rest-hook may be plain HTTP to a loopback address (tests, a local
 *     integration engine on the same host); off by default, so that notifications travel encrypted
 * @param heartbeatCheckEvery how often to look for subscriptions whose heartbeat is due (a project
 *     decision: a heartbeat is at most this late)
 * @param eventsKept how long each subscription's events stay available to {@code $events} (a project decision)
 * @param deliveryTimeout how long a handshake or heartbeat waits for the subscriber's answer
 * @param websocketRelayEvery how often a node of several on one PostgreSQL database looks for websocket
 *     notifications the others matched (a project decision: a subscriber on another node hears at most
 *     this much later)
 */
@ConfigurationProperties("openimd.subscriptions")
record SubscriptionProperties(
		@DefaultValue("false") boolean allowLoopbackHttp,
		@DefaultValue("PT5S") Duration heartbeatCheckEvery,
		@DefaultValue("P30D") Duration eventsKept,
		@DefaultValue("PT10S") Duration deliveryTimeout,
		@DefaultValue("PT1S") Duration websocketRelayEvery) {}
