package org.openimd.server.subscriptions;

import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.openimd.terminology.OpenImdUris;

/** What a subscriber sends and hears in the tests: topic-based subscriptions, the changes they are about, a websocket. */
public final class TopicSubscriptions {

	public static final String FULL_RESOURCE = "full-resource";
	public static final String ID_ONLY = "id-only";

	private TopicSubscriptions() {}

	/** A requested R4 subscription (Subscriptions Backport) to one of OpenIMD's topics, over a rest-hook to {@code theEndpoint}. */
	public static Subscription subscription(String theTopic, String theEndpoint, String theContent, String... theFilters) {
		Subscription subscription = new Subscription().setStatus(Subscription.SubscriptionStatus.REQUESTED).setReason("remote monitoring")
				.setCriteria(OpenImdUris.SUBSCRIPTION_TOPIC_BASE + theTopic);
		subscription.getMeta().addProfile(SubscriptionConstants.SUBSCRIPTION_TOPIC_PROFILE_URL);
		for (String filter : theFilters) {
			subscription.getCriteriaElement().addExtension(SubscriptionConstants.SUBSCRIPTION_TOPIC_FILTER_URL, new StringType(filter));
		}
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.RESTHOOK).setEndpoint(theEndpoint).setPayload("application/fhir+json");
		subscription.getChannel().getPayloadElement().addExtension(SubscriptionConstants.SUBSCRIPTION_TOPIC_CHANNEL_PAYLOAD_CONTENT, new CodeType(theContent));
		return subscription;
	}

	/** The same over the websocket instead. */
	public static Subscription overWebsocket(String theTopic, String theContent, String... theFilters) {
		Subscription subscription = subscription(theTopic, null, theContent, theFilters);
		subscription.getChannel().setType(Subscription.SubscriptionChannelType.WEBSOCKET);
		return subscription;
	}

	/** A final interrogation report about {@code thePatient}: what the {@code transmission} topic is about. */
	public static DiagnosticReport interrogationReport(String thePatient) {
		DiagnosticReport report = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(new Reference(thePatient));
		report.getMeta().addProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE);
		report.getCode().addCoding(new Coding("http://loinc.org", "10191-5", null));
		return report;
	}

	/** A websocket to a server's subscription endpoint with a bearer token, and what it heard. */
	public static final class Socket implements WebSocket.Listener {
		public final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
		public final CompletableFuture<Integer> closed = new CompletableFuture<>();
		public final WebSocket socket;

		/** To {@code theServer}'s websocket endpoint ({@code ws://} or {@code wss://} host and port). */
		public Socket(HttpClient theHttp, String theServer, String theToken) {
			socket = theHttp.newWebSocketBuilder().header("Authorization", "Bearer " + theToken)
					.buildAsync(URI.create(theServer + SubscriptionsConfig.WEBSOCKET_PATH), this).join();
		}

		@Override
		public CompletionStage<?> onText(WebSocket theSocket, CharSequence theData, boolean theLast) {
			messages.add(theData.toString());
			theSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket theSocket, int theCode, String theReason) {
			closed.complete(theCode);
			return null;
		}
	}
}
