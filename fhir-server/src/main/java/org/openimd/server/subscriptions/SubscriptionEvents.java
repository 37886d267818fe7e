package org.openimd.server.subscriptions;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Each subscription's events, numbered in the database so that every node of a cluster counts the
 * same and a restart does not count again from one: what {@code events-since-subscription-start} says,
 * what {@code $events} answers, and when the subscriber last heard from us (for heartbeats).
 */
class SubscriptionEvents {

	record Event(long number, String focus, Instant occurred) {}

	private final JdbcTemplate myJdbc;
	private final TransactionTemplate myTransactions;
	private final Clock myClock;
	private final Duration myKept;

	SubscriptionEvents(JdbcTemplate theJdbc, TransactionTemplate theTransactions, Clock theClock, Duration theKept) {
		myJdbc = theJdbc;
		myTransactions = theTransactions;
		myClock = theClock;
		myKept = theKept;
	}

	/** The next event of {@code theSubscription}, about {@code theFocus} ({@code Task/5}), recorded with its number. */
	long next(String theSubscription, String theFocus) {
		Instant now = myClock.instant();
		return myTransactions.execute(status -> {
			// Made with the subscription already, unless it was stored some other way than through the API.
			start(theSubscription);
			// The update locks the row: two nodes numbering at once take turns.
			myJdbc.update("update openimd_subscription_state set events = events + 1, last_sent = ? where subscription_id = ?",
					Timestamp.from(now), theSubscription);
			long number = count(theSubscription);
			myJdbc.update("insert into openimd_subscription_event (subscription_id, event_number, focus, occurred) values (?, ?, ?, ?)",
					theSubscription, number, theFocus, Timestamp.from(now));
			return number;
		});
	}

	long count(String theSubscription) {
		return myJdbc.queryForList("select events from openimd_subscription_state where subscription_id = ?", Long.class, theSubscription)
				.stream().findFirst().orElse(0L);
	}

	Optional<Instant> lastSent(String theSubscription) {
		return myJdbc.queryForList("select last_sent from openimd_subscription_state where subscription_id = ?", Timestamp.class, theSubscription)
				.stream().findFirst().map(Timestamp::toInstant);
	}

	/** A new subscription: no event yet; its count starts in the transaction that stores it. */
	void start(String theSubscription) {
		if (lastSent(theSubscription).isEmpty()) {
			myJdbc.update("insert into openimd_subscription_state (subscription_id, events, last_sent) values (?, 0, ?)",
					theSubscription, Timestamp.from(myClock.instant()));
		}
	}

	/** A heartbeat or handshake went out: no event, but the subscriber heard from us. */
	void heard(String theSubscription) {
		myJdbc.update("update openimd_subscription_state set last_sent = ? where subscription_id = ?", Timestamp.from(myClock.instant()), theSubscription);
	}

	/** The events numbered {@code theSince} to {@code theUntil}, both included, that are still kept. */
	List<Event> between(String theSubscription, long theSince, long theUntil) {
		return myJdbc.query("select event_number, focus, occurred from openimd_subscription_event"
						+ " where subscription_id = ? and event_number >= ? and event_number <= ? order by event_number",
				(row, number) -> new Event(row.getLong(1), row.getString(2), row.getTimestamp(3).toInstant()), theSubscription, theSince, theUntil);
	}

	void forget(String theSubscription) {
		myJdbc.update("delete from openimd_subscription_event where subscription_id = ?", theSubscription);
		myJdbc.update("delete from openimd_subscription_state where subscription_id = ?", theSubscription);
	}

	void pruneOld() {
		myJdbc.update("delete from openimd_subscription_event where occurred < ?", Timestamp.from(myClock.instant().minus(myKept)));
	}
}
