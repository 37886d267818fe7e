package org.openimd.server.ingest;

import java.net.InetAddress;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The MLLP listener, under {@code openimd.mllp}.
 *
 * @param enabled whether to listen at all
 * @param port TCP port (2575 is HL7's registered port; 0 picks a free one)
 * @param connections how many connections are served at once; a newcomer beyond them takes the place
 *     of the connection idle longest, or is refused if all are processing a message
 * @param connectionsPerSender how many of them one sender (an IP address) may hold, so that one
 *     sender cannot take them all (8 of 16: a project decision; raise it for a single gateway that
 *     sends on more connections)
 * @param idleTimeout how long a connection may stay silent between messages before it is closed
 * @param messageTimeout how long a message (or a TLS handshake) may take to arrive whole once begun,
 *     however slowly it trickles (2 minutes: a project decision, enough for the largest message on a
 *     slow line)
 * @param maxMessageBytes the largest message accepted; IHE requires at least 64 KiB per EGM field
 * @param bindAddress the interface to listen on. MLLP carries no credentials, so by default only
 *     this machine can send; listen wider ({@code 0.0.0.0}) only behind a network that authenticates
 *     senders (mutual TLS below, a VPN)
 * @param sslBundle the name of a Spring SSL bundle ({@code spring.ssl.bundle.*}); when set the listener
 *     speaks only TLS (1.2 or 1.3), with that bundle's key as the server certificate
 * @param clientAuth whether senders must present a certificate the bundle's trust store trusts;
 *     {@code need} turns TLS into sender authentication
 */
@ConfigurationProperties("openimd.mllp")
record MllpProperties(
		@DefaultValue("true") boolean enabled,
		@DefaultValue("2575") int port,
		@DefaultValue("16") int connections,
		@DefaultValue("8") int connectionsPerSender,
		@DefaultValue("5m") Duration idleTimeout,
		@DefaultValue("2m") Duration messageTimeout,
		@DefaultValue("33554432") int maxMessageBytes,
		@DefaultValue("127.0.0.1") InetAddress bindAddress,
		String sslBundle,
		@DefaultValue("need") ClientAuth clientAuth) {

	enum ClientAuth {
		NONE,
		WANT,
		NEED
	}

	boolean tls() {
		return sslBundle != null && !sslBundle.isBlank();
	}
}
