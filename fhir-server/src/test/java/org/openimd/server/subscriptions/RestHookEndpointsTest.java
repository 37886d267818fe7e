package org.openimd.server.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where a rest-hook may deliver: HTTPS anywhere; plain HTTP only to a loopback address, and only where the server allows it. */
class RestHookEndpointsTest {

	@Test
	void httpsGoesAnywhere() {
		assertThat(SubscriptionRequests.refusalOfEndpoint("https://ehr.example.org/openimd/notifications", false)).isEmpty();
		assertThat(SubscriptionRequests.refusalOfEndpoint("HTTPS://10.0.0.7:8443/hook", false)).isEmpty();
	}

	@Test
	void plainHttpGoesOnlyToALoopbackAddressAndOnlyWhenAllowed() {
		for (String loopback : new String[] {"http://127.0.0.1:9000/hook", "http://localhost/hook", "http://127.8.9.10/hook", "http://[::1]:9000/hook"}) {
			assertThat(SubscriptionRequests.refusalOfEndpoint(loopback, true)).as(loopback).isEmpty();
			assertThat(SubscriptionRequests.refusalOfEndpoint(loopback, false)).as(loopback).get().asString().contains("must be https");
		}
		for (String elsewhere : new String[] {"http://ehr.example.org/hook", "http://10.0.0.7/hook", "http://127.0.0.1.nip.io/hook"}) {
			assertThat(SubscriptionRequests.refusalOfEndpoint(elsewhere, true)).as(elsewhere).get().asString().contains("loopback");
		}
	}

	@Test
	void anEndpointThatIsNoAbsoluteUrlIsRefused() {
		assertThat(SubscriptionRequests.refusalOfEndpoint(null, true)).get().asString().contains("absolute");
		assertThat(SubscriptionRequests.refusalOfEndpoint("https//missing-colon", true)).isPresent();
		assertThat(SubscriptionRequests.refusalOfEndpoint("ftp://127.0.0.1/hook", true)).isPresent();
	}
}
