package org.openimd.server.subscriptions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.openimd.server.security.CallerReads;

/**
 * The Subscriptions Backport's operations on one subscription, for its owner: {@code $status} (its
 * state and how many events it has had) and {@code $events} (the kept events in a range, to catch up on
 * what a subscriber missed). Both read the subscription as the caller, so someone else's answers as
 * one that does not exist; {@code $events} returns each focus only if the caller may read it now.
 */
public class SubscriptionOperationsProvider {

	/** The operations this provider adds to a Subscription: what its owner may call on it. */
	static final Set<String> OPERATIONS = Set.of("$status", "$events");

	private static final String ID_ONLY = "id-only";
	private static final String FULL_RESOURCE = "full-resource";

	private final DaoRegistry myDaos;
	private final SubscriptionEvents myEvents;
	private final Clock myClock;

	SubscriptionOperationsProvider(DaoRegistry theDaos, SubscriptionEvents theEvents, Clock theClock) {
		myClock = theClock;
		myDaos = theDaos;
		myEvents = theEvents;
	}

	@Operation(name = "$status", type = Subscription.class, idempotent = true)
	public Bundle status(@IdParam IdType theSubscription, RequestDetails theRequest) {
		Subscription subscription = CallerReads.read(subscriptions(), theSubscription, theRequest);
		long events = myEvents.count(subscription.getIdElement().toUnqualifiedVersionless().getValue());
		return Notifications.bundle(Notifications.status(subscription, Notifications.QUERY_STATUS, events), Bundle.BundleType.SEARCHSET,
				myClock.instant());
	}

	@Operation(name = "$events", type = Subscription.class, idempotent = true)
	public Bundle events(@IdParam IdType theSubscription,
			@OperationParam(name = "eventsSinceNumber", max = 1) StringType theSince,
			@OperationParam(name = "eventsUntilNumber", max = 1) StringType theUntil,
			@OperationParam(name = "content", max = 1) CodeType theContent,
			RequestDetails theRequest) {
		Subscription subscription = CallerReads.read(subscriptions(), theSubscription, theRequest);
		String id = subscription.getIdElement().toUnqualifiedVersionless().getValue();
		long count = myEvents.count(id);
		long since = number(theSince, "eventsSinceNumber").orElse(1L);
		long until = number(theUntil, "eventsUntilNumber").orElse(count);
		String content = Optional.ofNullable(theContent).map(CodeType::getValue).orElse(ID_ONLY);
		if (!content.equals(ID_ONLY) && !content.equals(FULL_RESOURCE)) {
			throw new InvalidRequestException("content is id-only or full-resource");
		}
		Parameters status = Notifications.status(subscription, Notifications.QUERY_EVENT, count);
		Bundle answer = Notifications.bundle(status, Bundle.BundleType.HISTORY, myClock.instant());
		for (SubscriptionEvents.Event event : myEvents.between(id, since, until)) {
			IdType focus = new IdType(event.focus());
			Notifications.addEvent(status, event.number(), Date.from(event.occurred()), Optional.of(new Reference(event.focus())));
			if (content.equals(FULL_RESOURCE)) {
				readable(focus, theRequest).ifPresent(resource -> answer.addEntry().setFullUrl(focus.getValue()).setResource(resource));
			}
		}
		return answer;
	}

	private Optional<Resource> readable(IdType theFocus, RequestDetails theRequest) {
		try {
			return Optional.of((Resource) CallerReads.read(myDaos.getResourceDao(theFocus.getResourceType()), theFocus, theRequest));
		} catch (ResourceNotFoundException | ResourceGoneException outOfReachOrGone) {
			return Optional.empty();
		}
	}

	private static Optional<Long> number(StringType theValue, String theName) {
		if (theValue == null || theValue.isEmpty()) {
			return Optional.empty();
		}
		try {
			return Optional.of(Long.parseLong(theValue.getValue()));
		} catch (NumberFormatException e) {
			throw new InvalidRequestException(theName + " is an event number");
		}
	}

	@SuppressWarnings("unchecked")
	private IFhirResourceDao<Subscription> subscriptions() {
		return myDaos.getResourceDao("Subscription");
	}
}
