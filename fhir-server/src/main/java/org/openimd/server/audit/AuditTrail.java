package org.openimd.server.audit;

import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.server.fhir.InOrderTransactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Where every AuditEvent goes: stored as a FHIR resource by one writer thread, in batches, so that a
 * read costs its caller a queue insertion and not a second database transaction. A batch is stored
 * in order ({@link InOrderTransactions}), not by HAPI's bundle processor, which stores each entry twice
 * (a placeholder, then again once references are resolved) and made the writer cost more processor
 * than the requests it records. The queue is bounded: when the database falls behind, callers wait
 * rather than events being dropped. Events still queued at shutdown are written before the database
 * closes.
 */
public class AuditTrail implements SmartLifecycle {

	private static final Logger ourLog = LoggerFactory.getLogger(AuditTrail.class);
	private static final String WRITER = AuditTrail.class.getName() + ".writer";
	private static final int BATCH_SIZE = 200;
	private static final int QUEUE_CAPACITY = 20_000;

	private final IFhirResourceDao<AuditEvent> myAuditEvents;
	private final InOrderTransactions myTransactions;
	private final Clock myClock;
	private final BlockingQueue<AuditEvent> myQueue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
	private volatile boolean myRunning;
	private Thread myWriter;

	public AuditTrail(IFhirResourceDao<AuditEvent> theAuditEvents, InOrderTransactions theTransactions, Clock theClock) {
		myAuditEvents = theAuditEvents;
		myTransactions = theTransactions;
		myClock = theClock;
	}

	/** Queues {@code theEvent} for storage, recorded now unless it says when; waits if the queue is full. */
	public void record(AuditEvent theEvent) {
		if (!theEvent.hasRecorded()) {
			theEvent.setRecorded(Date.from(myClock.instant()));
		}
		try {
			myQueue.put(theEvent);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
			ourLog.error("Interrupted before an AuditEvent was queued; it is logged here instead: {}",
					myAuditEvents.getContext().newJsonParser().encodeResourceToString(theEvent));
		}
	}

	/** Whether a storage request is this trail's own writer, the only one allowed to create AuditEvents. */
	static boolean isWriter(RequestDetails theRequest) {
		return theRequest != null && Boolean.TRUE.equals(theRequest.getUserData().get(WRITER));
	}

	@Override
	public void start() {
		myRunning = true;
		myWriter = new Thread(this::writeUntilStopped, "audit-writer");
		myWriter.setDaemon(true);
		myWriter.start();
	}

	private void writeUntilStopped() {
		while (myRunning) {
			try {
				AuditEvent first = myQueue.poll(500, TimeUnit.MILLISECONDS);
				if (first != null) {
					List<AuditEvent> batch = new ArrayList<>(BATCH_SIZE);
					batch.add(first);
					myQueue.drainTo(batch, BATCH_SIZE - 1);
					write(batch);
				}
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private void write(List<AuditEvent> theEvents) {
		try {
			store(theEvents);
		} catch (RuntimeException e) {
			if (theEvents.size() > 1) {
				// One bad event must not take the batch with it.
				theEvents.forEach(event -> write(List.of(event)));
				return;
			}
			RuntimeException failure = e;
			if (e instanceof InvalidRequestException && String.valueOf(e.getMessage()).contains("is deleted")) {
				// What the event names was deleted before the writer got to it.
				AuditEvents.nameDeletedResourcesByIdentifier(theEvents.get(0));
				try {
					store(theEvents);
					return;
				} catch (RuntimeException again) {
					failure = again;
				}
			}
			// Nothing may vanish silently: what the database refused goes to the log whole.
			ourLog.error("Could not store an AuditEvent; it follows as JSON: {}",
					myAuditEvents.getContext().newJsonParser().encodeResourceToString(theEvents.get(0)), failure);
		}
	}

	private void store(List<AuditEvent> theEvents) {
		SystemRequestDetails writer = new SystemRequestDetails();
		writer.getUserData().put(WRITER, Boolean.TRUE);
		Bundle batch = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		theEvents.forEach(event -> batch.addEntry().setResource(event).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("AuditEvent"));
		myTransactions.store(batch, writer);
	}

	@Override
	public void stop() {
		myRunning = false;
		try {
			// No time limit: a writer still in its batch when the database closes would lose that batch.
			// It stops after the batch it holds, however slow the database is.
			myWriter.join();
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
		List<AuditEvent> remaining = new ArrayList<>();
		myQueue.drainTo(remaining);
		for (int from = 0; from < remaining.size(); from += BATCH_SIZE) {
			write(remaining.subList(from, Math.min(remaining.size(), from + BATCH_SIZE)));
		}
	}

	@Override
	public boolean isRunning() {
		return myRunning;
	}

	/** Stops after the web server and the MLLP listener, so that their last requests are audited too. */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}
}
