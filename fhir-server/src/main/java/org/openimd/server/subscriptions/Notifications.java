package org.openimd.server.subscriptions;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * Notifications in the R4 Subscriptions Backport's shape: a history Bundle whose first entry is the
 * subscription's status (a Parameters of profile backport-subscription-status-r4). HAPI builds and
 * sends those of events; these are the rest: the handshake, the heartbeat, and the answers of
 * {@code $status} and {@code $events}.
 */
final class Notifications {

	static final String HANDSHAKE = "handshake";
	static final String HEARTBEAT = "heartbeat";
	static final String QUERY_STATUS = "query-status";
	static final String QUERY_EVENT = "query-event";
	static final String EVENTS_SINCE_START = "events-since-subscription-start";
	static final String NOTIFICATION_EVENT = "notification-event";
	static final String EVENT_NUMBER = "event-number";

	private final FhirContext myFhir;
	private final HttpClient myHttp;
	private final Duration myTimeout;

	Notifications(FhirContext theFhir, Duration theTimeout) {
		myFhir = theFhir;
		myTimeout = theTimeout;
		myHttp = HttpClient.newBuilder().connectTimeout(theTimeout).followRedirects(HttpClient.Redirect.NEVER).build();
	}

	static Parameters status(Subscription theSubscription, String theType, long theEventsSinceStart) {
		Parameters status = new Parameters();
		status.setId(UUID.randomUUID().toString());
		status.getMeta().addProfile(SubscriptionConstants.SUBSCRIPTION_TOPIC_STATUS);
		status.addParameter().setName("subscription").setValue(new Reference(theSubscription.getIdElement().toUnqualifiedVersionless()));
		status.addParameter().setName("topic").setValue(new CanonicalType(theSubscription.getCriteria()));
		status.addParameter().setName("status").setValue(new CodeType(theSubscription.getStatus().toCode()));
		status.addParameter().setName("type").setValue(new CodeType(theType));
		status.addParameter().setName(EVENTS_SINCE_START).setValue(new StringType(Long.toString(theEventsSinceStart)));
		return status;
	}

	/** A notification event as the status of an event, a query or a notification lists it. */
	static void addEvent(Parameters theStatus, long theNumber, Date theWhen, Optional<Reference> theFocus) {
		Parameters.ParametersParameterComponent event = theStatus.addParameter().setName(NOTIFICATION_EVENT);
		event.addPart().setName(EVENT_NUMBER).setValue(new StringType(Long.toString(theNumber)));
		event.addPart().setName("timestamp").setValue(new InstantType(theWhen));
		theFocus.ifPresent(focus -> event.addPart().setName("focus").setValue(focus));
	}

	static Bundle bundle(Parameters theStatus, Bundle.BundleType theType, Instant theNow) {
		Bundle bundle = new Bundle().setType(theType).setTimestamp(Date.from(theNow));
		bundle.setId(UUID.randomUUID().toString());
		bundle.addEntry().setFullUrl("urn:uuid:" + theStatus.getIdElement().getIdPart()).setResource(theStatus);
		return bundle;
	}

	/** Posts {@code theBundle} to the subscription's rest-hook, with its headers; anything but a 2xx answer is a failure. */
	void post(Subscription theSubscription, Bundle theBundle) throws IOException {
		EncodingEnum encoding = Optional.ofNullable(EncodingEnum.forContentType(theSubscription.getChannel().getPayload())).orElse(EncodingEnum.JSON);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(theSubscription.getChannel().getEndpoint()))
				.timeout(myTimeout)
				.header(Constants.HEADER_CONTENT_TYPE, encoding.getResourceContentTypeNonLegacy())
				.POST(HttpRequest.BodyPublishers.ofString(encoding.newParser(myFhir).encodeResourceToString(theBundle)));
		for (StringType header : theSubscription.getChannel().getHeader()) {
			int colon = header.getValue() == null ? -1 : header.getValue().indexOf(':');
			if (colon > 0) {
				request.header(header.getValue().substring(0, colon).trim(), header.getValue().substring(colon + 1).trim());
			}
		}
		try {
			HttpResponse<Void> response = myHttp.send(request.build(), HttpResponse.BodyHandlers.discarding());
			if (response.statusCode() / 100 != 2) {
				throw new IOException("the endpoint answered " + response.statusCode());
			}
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted", e);
		} catch (IllegalArgumentException badHeaderOrUrl) {
			throw new IOException(badHeaderOrUrl.getMessage(), badHeaderOrUrl);
		}
	}
}
