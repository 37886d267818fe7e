package org.openimd.server.subscriptions;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;
import org.openimd.server.fhir.StorageInterceptor;
import org.openimd.server.security.StandingAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every notification HAPI has matched passes here before it goes to the rest-hook or the websocket: a
 * notification is a read by the subscription's owner, so it goes only if the owner may read its focus
 * now ({@link StandingAccess}). A revoked owner's subscription is switched off. What goes is numbered in
 * the database and kept for {@code $events}.
 */
class NotificationGate implements StorageInterceptor {

	private static final Logger ourLog = LoggerFactory.getLogger(NotificationGate.class);
	static final String METRIC = "openimd.subscriptions.notifications";

	private final FhirContext myFhir;
	private final DaoRegistry myDaos;
	private final StandingAccess myStanding;
	private final SubscriptionEvents myEvents;
	private final MeterRegistry myMeters;
	private final Clock myClock;

	NotificationGate(FhirContext theFhir, DaoRegistry theDaos, StandingAccess theStanding, SubscriptionEvents theEvents, MeterRegistry theMeters,
			Clock theClock) {
		myFhir = theFhir;
		myDaos = theDaos;
		myStanding = theStanding;
		myEvents = theEvents;
		myMeters = theMeters;
		myClock = theClock;
	}

	@Hook(Pointcut.SUBSCRIPTION_RESOURCE_MATCHED)
	public boolean matched(CanonicalSubscription theSubscription, ResourceDeliveryMessage theDelivery) {
		IIdType subscription = theSubscription.getIdElement(myFhir).toUnqualifiedVersionless();
		// Parsed once: the same Bundle is numbered below and set back as the payload.
		Optional<Bundle> notification = Optional.of(theSubscription).filter(CanonicalSubscription::isTopicSubscription)
				.map(topical -> theDelivery.getPayload(myFhir)).filter(Bundle.class::isInstance).map(Bundle.class::cast);
		Optional<Parameters> status = notification.flatMap(NotificationGate::status);
		Optional<IBaseResource> focus = status.flatMap(NotificationGate::focus).flatMap(this::stored);
		if (focus.isEmpty() || !myStanding.mayRead(subscription, focus.get())) {
			count("withheld");
			if (!myStanding.stands(subscription)) {
				switchOff(subscription);
			}
			return false;
		}
		String focusId = focus.get().getIdElement().toUnqualifiedVersionless().getValue();
		long number = myEvents.next(subscription.getValue(), focusId);
		status.get().getParameter().removeIf(parameter -> parameter.getName().equals(Notifications.EVENTS_SINCE_START)
				|| parameter.getName().equals(Notifications.NOTIFICATION_EVENT));
		status.get().addParameter().setName(Notifications.EVENTS_SINCE_START).setValue(new StringType(Long.toString(number)));
		Notifications.addEvent(status.get(), number, Date.from(myClock.instant()), Optional.of(new Reference(focusId)));
		theDelivery.setPayload(myFhir, notification.get(),
				Optional.ofNullable(EncodingEnum.forContentType(theSubscription.getPayloadString())).orElse(EncodingEnum.JSON));
		count("sent");
		return true;
	}

	private static Optional<Parameters> status(Bundle theNotification) {
		return Optional.ofNullable(theNotification.getEntryFirstRep().getResource()).filter(Parameters.class::isInstance).map(Parameters.class::cast);
	}

	private static Optional<IdType> focus(Parameters theStatus) {
		return theStatus.getParameter().stream().filter(parameter -> parameter.getName().equals(Notifications.NOTIFICATION_EVENT))
				.flatMap(event -> event.getPart().stream()).filter(part -> part.getName().equals("focus"))
				.map(part -> ((Reference) part.getValue()).getReferenceElement()).filter(IIdType::hasResourceType).findFirst()
				.map(id -> new IdType(id.getResourceType(), id.getIdPart()));
	}

	private Optional<IBaseResource> stored(IdType theFocus) {
		try {
			return Optional.of(myDaos.getResourceDao(theFocus.getResourceType()).read(theFocus, new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			return Optional.empty();
		}
	}

	/** Whoever created it can no longer be acted for: it stays off until they renew it with a token of theirs. */
	private void switchOff(IIdType theSubscription) {
		try {
			Subscription subscription = (Subscription) myDaos.getResourceDao("Subscription").read(theSubscription, new SystemRequestDetails());
			if (subscription.getStatus() != Subscription.SubscriptionStatus.OFF) {
				subscription.setStatus(Subscription.SubscriptionStatus.OFF).setError("the authorization of whoever created it was revoked");
				myDaos.getResourceDao("Subscription").update(subscription, new SystemRequestDetails());
				ourLog.info("{} switched off: the authorization of its owner was revoked", theSubscription.getValue());
			}
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			ourLog.debug("{} is gone already", theSubscription.getValue());
		}
	}

	private void count(String theOutcome) {
		myMeters.counter(METRIC, "outcome", theOutcome).increment();
	}
}
