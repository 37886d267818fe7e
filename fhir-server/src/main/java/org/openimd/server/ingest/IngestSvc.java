package org.openimd.server.ingest;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.ig.ShapeCheckedValidator;
import org.openimd.mappers.hl7v2.Hl7Charsets;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.mappers.hl7v2.MshHeader;
import org.openimd.mappers.idco.IdcoMapping;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.mappers.idco.MappingIssue;
import org.openimd.mappers.idco.MappingIssues;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.fhir.InOrderTransactions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * The one pipeline every transport runs: store the raw message, recognise a copy of one already
 * accepted, map it, commit its FHIR transaction, file the outcome, and answer with the ACK.
 *
 * <p>{@code AA} is sent only after the transaction is committed. The transaction is all or nothing,
 * so a rejected message leaves no FHIR data behind; its bytes stay in the store with the reason.
 */
public class IngestSvc {

	private static final Logger ourLog = LoggerFactory.getLogger(IngestSvc.class);

	/** How many ERR warnings an AA carries; the rest stay with the stored message. */
	private static final int MAX_WARNINGS_IN_ACK = 10;

	/** Concurrent first messages for one patient can race on its conditional create; one retry resolves it. */
	private static final int TRANSACTION_ATTEMPTS = 3;

	private static final int MAX_ERRORS_REPORTED = 5;

	static final String MESSAGES_METRIC = "openimd.ingest.messages";
	static final String DURATION_METRIC = "openimd.ingest.duration";

	private final MeterRegistry myMeters;
	private final IngestMessageStore myStore;
	private final IdcoOruMapper myMapper;
	private final InOrderTransactions myTransactions;
	private final ShapeCheckedValidator myValidator;
	private final ApplicationAckSender myApplicationAcks;
	private final AuditTrail myAudit;
	private final Clock myClock;

	IngestSvc(IngestMessageStore theStore, IdcoOruMapper theMapper, ShapeCheckedValidator theValidator,
			InOrderTransactions theTransactions, ApplicationAckSender theApplicationAcks, AuditTrail theAudit, MeterRegistry theMeters,
			Clock theClock) {
		myMeters = theMeters;
		myStore = theStore;
		myMapper = theMapper;
		myValidator = theValidator;
		myTransactions = theTransactions;
		myApplicationAcks = theApplicationAcks;
		myAudit = theAudit;
		myClock = theClock;
	}

	/**
	 * Takes a message OpenIMD made itself (demo data) through the same pipeline as a sender's, and
	 * answers the DiagnosticReport it became, if it was accepted.
	 */
	public Optional<String> receiveGenerated(byte[] theMessage, String theSource) {
		Outcome outcome = receive(theMessage, IngestTransport.GENERATED, theSource);
		return myStore.find(outcome.messageId()).map(IngestedMessage::fhirReport);
	}

	/**
	 * What became of a message, and the ACK to send (none when the sender asked for none).
	 *
	 * @param patient the Patient an accepted message's data was stored for
	 */
	record Outcome(long messageId, IngestStatus status, Optional<String> ack, Optional<String> patient) {}

	Outcome receive(byte[] theMessage, IngestTransport theTransport, String theRemoteAddress) {
		long started = System.nanoTime();
		Instant receivedAt = myClock.instant();
		Optional<MshHeader> header = readHeader(theMessage);
		long id = myStore.insertReceived(receivedAt, theTransport, theRemoteAddress,
				header.map(MshHeader::sender).orElse(null),
				header.map(MshHeader::controlId).filter(controlId -> !controlId.isEmpty()).orElse(null),
				header.map(h -> h.messageType() + "^" + h.triggerEvent()).orElse(null),
				theMessage);
		Outcome outcome = audited(process(id, theMessage, receivedAt, header), header, theRemoteAddress);
		measured(theTransport, outcome.status(), Duration.ofNanos(System.nanoTime() - started));
		return outcome;
	}

	/** Messages by how they came and what became of them, and how long they took from receipt to answer. */
	private void measured(IngestTransport theTransport, IngestStatus theStatus, Duration theTime) {
		String transport = theTransport.name().toLowerCase(Locale.ROOT);
		String status = theStatus.name().toLowerCase(Locale.ROOT);
		myMeters.counter(MESSAGES_METRIC, "transport", transport, "status", status).increment();
		Timer.builder(DURATION_METRIC).description("From a message's receipt to its answer").tags("transport", transport, "status", status)
				.register(myMeters).record(theTime);
	}

	/** Runs a stored message that was not accepted through the pipeline again, e.g. after a mapping fix. */
	Optional<Outcome> reprocess(long theId) {
		return myStore.raw(theId).map(raw -> audited(process(theId, raw, myClock.instant(), readHeader(raw)), readHeader(raw), null));
	}

	/** Every message received is an AuditEvent (an import by its sender), whatever became of it. */
	private Outcome audited(Outcome theOutcome, Optional<MshHeader> theHeader, String theRemoteAddress) {
		myAudit.record(AuditEvents.messageImported(theOutcome.messageId(), theHeader.map(MshHeader::sender),
				theHeader.map(header -> header.messageType() + "^" + header.triggerEvent()), theHeader.map(MshHeader::controlId),
				theRemoteAddress, theOutcome.status().name(), theOutcome.status() != IngestStatus.REJECTED, theOutcome.patient()));
		return theOutcome;
	}

	private Outcome process(long theId, byte[] theMessage, Instant theReceivedAt, Optional<MshHeader> theHeader) {
		if (theHeader.isPresent() && !theHeader.get().controlId().isEmpty()) {
			Optional<IngestedMessage> accepted = myStore.acceptedCopyOf(theHeader.get().sender(), theHeader.get().controlId());
			if (accepted.isPresent() && accepted.get().id() != theId) {
				myStore.markDuplicate(theId, accepted.get().id());
				ourLog.info("Message {} from {} ({}) is a copy of accepted message {}; acknowledged, nothing stored",
						theId, theHeader.get().sender(), theHeader.get().controlId(), accepted.get().id());
				return outcome(theId, IngestStatus.DUPLICATE, success(theHeader.get(), List.of()), theHeader, Optional.empty());
			}
		}
		IdcoMapping mapping;
		try {
			mapping = myMapper.map(theMessage, theReceivedAt);
		} catch (MessageRejectedException e) {
			return reject(theId, theHeader, e);
		}
		List<String> nonConformance = nonConformance(mapping.transaction());
		if (!nonConformance.isEmpty()) {
			return reject(theId, theHeader, new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.DATA_TYPE_ERROR, null,
					"OPENIMD-1403", "the FHIR data does not conform to the OpenIMD profiles: " + String.join("; ", nonConformance)));
		}
		Stored stored;
		try {
			stored = commit(mapping.transaction());
		} catch (BaseServerResponseException e) {
			// The FHIR server refused the data (e.g. two Patients match the PID-3 identifiers): a content problem.
			return reject(theId, theHeader, new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.APPLICATION_INTERNAL_ERROR,
					null, "OPENIMD-1401", "the FHIR data could not be stored: " + e.getMessage(), e));
		} catch (RuntimeException e) {
			ourLog.error("Message {} could not be stored as FHIR", theId, e);
			return reject(theId, theHeader, new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.APPLICATION_INTERNAL_ERROR,
					null, "OPENIMD-1402", "the server could not store the message now; send it again later", e));
		}
		String warnings = mapping.issues().stream().map(MappingIssue::toString).collect(Collectors.joining("\n"));
		if (!myStore.markAccepted(theId, mapping.header().sender(), mapping.header().controlId(), stored.report(), warnings.isEmpty() ? null : warnings)) {
			myStore.markDuplicate(theId, myStore.acceptedCopyOf(mapping.header().sender(), mapping.header().controlId()).orElseThrow().id());
			return outcome(theId, IngestStatus.DUPLICATE, success(mapping.header(), List.of()), theHeader, Optional.empty());
		}
		ourLog.info("Message {} from {} ({}) accepted as {} with {} warning(s)",
				theId, mapping.header().sender(), mapping.header().controlId(), stored.report(), mapping.issues().size());
		return outcome(theId, IngestStatus.ACCEPTED, success(mapping.header(), mapping.issues()), theHeader, stored.patient());
	}

	/**
	 * The errors HAPI's validator finds against the OpenIMD guide, run in full on whatever is new in the
	 * transaction's shapes; what would not conform is not stored.
	 */
	private List<String> nonConformance(Bundle theTransaction) {
		return myValidator.errors(theTransaction).stream()
				.limit(MAX_ERRORS_REPORTED)
				.map(message -> message.getLocationString() + ": " + message.getMessage())
				.toList();
	}

	/** Where the transaction stored the interrogation report and the patient. */
	private record Stored(String report, Optional<String> patient) {}

	private Stored commit(Bundle theTransaction) {
		for (int attempt = 1; ; attempt++) {
			try {
				List<String> stored = myTransactions.store(theTransaction).stream().map(id -> id.toUnqualifiedVersionless().getValue()).toList();
				return new Stored(stored.stream().filter(id -> id.startsWith("DiagnosticReport/")).findFirst().orElse(null),
						stored.stream().filter(id -> id.startsWith("Patient/")).findFirst());
			} catch (ResourceVersionConflictException | DataIntegrityViolationException e) {
				if (attempt == TRANSACTION_ATTEMPTS) {
					throw e;
				}
				ourLog.info("Transaction met a concurrent write ({}); trying again", e.getMessage());
			}
		}
	}

	private Outcome reject(long theId, Optional<MshHeader> theHeader, MessageRejectedException theReason) {
		String ackCode = theReason.disposition() == Disposition.REJECT ? "AR" : "AE";
		myStore.markRejected(theId, ackCode, theReason.getMessage());
		ourLog.warn("Message {} rejected ({}): {}", theId, ackCode, theReason.getMessage());
		Hl7Ack ack = Hl7Ack.of(ackCode, theHeader.orElse(null)).withError(new Hl7Ack.Error(
				theReason.location(), theReason.hl7ErrorCode(), 'E', theReason.openImdCode(), theReason.getMessage()));
		return outcome(theId, IngestStatus.REJECTED, ack, theHeader, Optional.empty());
	}

	private static Hl7Ack success(MshHeader theHeader, List<MappingIssue> theIssues) {
		Hl7Ack ack = Hl7Ack.of("AA", theHeader);
		// One warning per distinct issue, with how often: an unknown code in forty episodes is one thing to fix.
		MappingIssues.grouped(theIssues).stream().limit(MAX_WARNINGS_IN_ACK).forEach(issue -> ack.withError(new Hl7Ack.Error(
				issue.location(), Hl7ErrorCode.MESSAGE_ACCEPTED, 'W', issue.openImdCode(), issue.text())));
		return ack;
	}

	/**
	 * In original mode the application ACK goes back as built. A sender that fills MSH-15/16 asks for
	 * enhanced mode: the answer on this connection is then the accept ACK (CA: stored safely; CR: not
	 * processable), and the application ACK goes to the sender's return route; each is sent or not as
	 * its field asks (AL always, NE never, ER on error, SU on success).
	 */
	private Outcome outcome(long theId, IngestStatus theStatus, Hl7Ack theApplicationAck, Optional<MshHeader> theHeader,
			Optional<String> thePatient) {
		Instant now = myClock.instant();
		if (theHeader.isEmpty() || !theHeader.get().enhancedAcknowledgement()) {
			return new Outcome(theId, theStatus, Optional.of(theApplicationAck.toEr7(now)), thePatient);
		}
		MshHeader header = theHeader.get();
		if (asked(header.applicationAckType(), theApplicationAck.acknowledgmentCode().equals("AA"))) {
			myApplicationAcks.send(theId, header, theApplicationAck);
		}
		boolean committed = !theApplicationAck.acknowledgmentCode().equals("AR");
		return new Outcome(theId, theStatus, asked(header.acceptAckType(), committed)
				? Optional.of(Hl7Ack.of(committed ? "CA" : "CR", header).toEr7(now))
				: Optional.empty(), thePatient);
	}

	/** Whether MSH-15 or MSH-16 asks for an ACK of this outcome; an empty field means AL. */
	private static boolean asked(Optional<String> theAckType, boolean theSuccess) {
		return switch (theAckType.orElse("AL")) {
			case "NE" -> false;
			case "ER" -> !theSuccess;
			case "SU" -> theSuccess;
			default -> true;
		};
	}

	private static Optional<MshHeader> readHeader(byte[] theMessage) {
		try {
			return Optional.of(MshHeader.read(Hl7Charsets.decode(theMessage)));
		} catch (MessageRejectedException unreadable) {
			return Optional.empty();
		}
	}
}
