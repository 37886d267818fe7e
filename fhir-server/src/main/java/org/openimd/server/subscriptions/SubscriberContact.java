package org.openimd.server.subscriptions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.subscription.SubscriptionConstants;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Subscription;
import org.openimd.server.security.StandingAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/**
 * What a rest-hook subscriber hears besides events: a handshake once its subscription is stored (an
 * endpoint that does not answer it puts the subscription in error, as the Backport IG has it), and a
 * heartbeat whenever its heartbeat period has passed without a notification. Neither says anything of
 * a patient, yet neither goes to an owner whose authorization was revoked.
 */
class SubscriberContact {

	private static final Logger ourLog = LoggerFactory.getLogger(SubscriberContact.class);
	/** How often, and how many times, to look whether HAPI has activated a new subscription: a minute at most. */
	private static final Duration ACTIVATION_LOOK_EVERY = Duration.ofMillis(250);
	private static final int ACTIVATION_LOOKS = 240;

	private final DaoRegistry myDaos;
	private final Notifications myNotifications;
	private final SubscriptionEvents myEvents;
	private final StandingAccess myStanding;
	private final TaskScheduler myScheduler;
	private final Clock myClock;

	SubscriberContact(DaoRegistry theDaos, Notifications theNotifications, SubscriptionEvents theEvents, StandingAccess theStanding,
			TaskScheduler theScheduler, Clock theClock) {
		myDaos = theDaos;
		myNotifications = theNotifications;
		myEvents = theEvents;
		myStanding = theStanding;
		myScheduler = theScheduler;
		myClock = theClock;
	}

	@TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
	public void requested(SubscriptionRequests.SubscriptionRequested theRequest) {
		handshakeOnceActive(new IdType(theRequest.subscription()), 0);
	}

	/**
	 * The handshake waits for HAPI to activate the subscription (it takes up the new one at its next
	 * poll): an error set before would be overwritten by that activation.
	 */
	private void handshakeOnceActive(IdType theSubscription, int theLooks) {
		myScheduler.schedule(() -> {
			Optional<Subscription> subscription = read(theSubscription);
			if (subscription.filter(found -> found.getStatus() == Subscription.SubscriptionStatus.REQUESTED).isPresent()) {
				if (theLooks < ACTIVATION_LOOKS) {
					handshakeOnceActive(theSubscription, theLooks + 1);
				}
				return;
			}
			subscription.filter(SubscriberContact::restHook).filter(found -> found.getStatus() == Subscription.SubscriptionStatus.ACTIVE)
					.ifPresent(active -> handshake(theSubscription, active));
		}, myClock.instant().plus(ACTIVATION_LOOK_EVERY));
	}

	private void handshake(IdType theSubscription, Subscription theActive) {
		if (!myStanding.stands(theSubscription)) {
			return;
		}
		String id = theSubscription.toUnqualifiedVersionless().getValue();
		try {
			myNotifications.post(theActive, Notifications.bundle(
					Notifications.status(theActive, Notifications.HANDSHAKE, myEvents.count(id)), Bundle.BundleType.HISTORY, myClock.instant()));
			myEvents.heard(id);
		} catch (IOException e) {
			ourLog.info("{}: the handshake with its endpoint failed ({}); the subscription is in error", id, e.getMessage());
			theActive.setStatus(Subscription.SubscriptionStatus.ERROR).setError("the handshake with the endpoint failed: " + e.getMessage());
			dao().update(theActive, new SystemRequestDetails());
		}
	}

	/** Sends the heartbeats that are due; a subscriber that misses one learns from the next notification's count. */
	void beatDue() {
		SearchParameterMap active = SearchParameterMap.newSynchronous()
				.add(Subscription.SP_STATUS, new TokenParam(Subscription.SubscriptionStatus.ACTIVE.toCode()))
				.add(Subscription.SP_TYPE, new TokenParam(Subscription.SubscriptionChannelType.RESTHOOK.toCode()));
		Instant now = myClock.instant();
		for (Object found : dao().searchForResources(active, new SystemRequestDetails())) {
			Subscription subscription = (Subscription) found;
			Optional<Duration> period = heartbeatPeriod(subscription);
			String id = subscription.getIdElement().toUnqualifiedVersionless().getValue();
			if (period.isEmpty() || myEvents.lastSent(id).filter(last -> last.plus(period.get()).isAfter(now)).isPresent()
					|| !myStanding.stands(subscription.getIdElement())) {
				continue;
			}
			try {
				myNotifications.post(subscription, Notifications.bundle(
						Notifications.status(subscription, Notifications.HEARTBEAT, myEvents.count(id)), Bundle.BundleType.HISTORY, now));
			} catch (IOException e) {
				ourLog.info("{}: heartbeat not delivered ({})", id, e.getMessage());
			}
			// Heard or not, the next beat is one period away: a dead endpoint is not hammered.
			myEvents.heard(id);
		}
		myEvents.pruneOld();
	}

	private static Optional<Duration> heartbeatPeriod(Subscription theSubscription) {
		return Optional.ofNullable(theSubscription.getChannel().getExtensionByUrl(SubscriptionConstants.SUBSCRIPTION_TOPIC_CHANNEL_HEARTBEAT_PERIOD_URL))
				.map(Extension::getValue).map(value -> Duration.ofSeconds(Long.parseLong(value.primitiveValue())));
	}

	private static boolean restHook(Subscription theSubscription) {
		return theSubscription.getChannel().getType() == Subscription.SubscriptionChannelType.RESTHOOK;
	}

	private Optional<Subscription> read(IdType theSubscription) {
		try {
			return Optional.of(dao().read(theSubscription.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException gone) {
			return Optional.empty();
		}
	}

	@SuppressWarnings("unchecked")
	private IFhirResourceDao<Subscription> dao() {
		return myDaos.getResourceDao("Subscription");
	}
}
