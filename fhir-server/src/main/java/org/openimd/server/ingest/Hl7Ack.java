package org.openimd.server.ingest;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.Hl7Location;
import org.openimd.mappers.hl7v2.MshHeader;

/**
 * An HL7 v2 acknowledgement in ER7: MSH, MSA and one ERR per problem (ERR-2 location, ERR-3 table
 * 0357 code, ERR-4 severity, ERR-5 the OpenIMD code, ERR-8 the reason in words), as IHE PCD TF-2
 * App. B.2 asks of error ACKs.
 */
final class Hl7Ack {

	private static final DateTimeFormatter HL7_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss.SSSZ").withZone(ZoneOffset.UTC);
	private static final AtomicLong ourSequence = new AtomicLong();
	static final String RECEIVER = "OPENIMD";

	/** One ERR segment. */
	record Error(Hl7Location location, Hl7ErrorCode code, char severity, String openImdCode, String text) {}

	private final String myAcknowledgmentCode;
	private final MshHeader myAcknowledged;
	private final List<Error> myErrors = new ArrayList<>();
	private boolean myAskingForAcceptAck;

	private Hl7Ack(String theAcknowledgmentCode, MshHeader theAcknowledged) {
		myAcknowledgmentCode = theAcknowledgmentCode;
		myAcknowledged = theAcknowledged;
	}

	/**
	 * @param theAcknowledgmentCode AA, AE, AR (original mode) or CA, CE, CR (enhanced mode)
	 * @param theAcknowledged the header of the message acknowledged; null when none could be read
	 */
	static Hl7Ack of(String theAcknowledgmentCode, MshHeader theAcknowledged) {
		return new Hl7Ack(theAcknowledgmentCode, theAcknowledged);
	}

	Hl7Ack withError(Error theError) {
		myErrors.add(theError);
		return this;
	}

	/**
	 * Asks the receiver of this ACK to confirm it with an accept ACK (MSH-15 AL, MSH-16 NE): how an
	 * enhanced-mode application ACK, sent on a connection of its own, learns that it arrived.
	 */
	Hl7Ack askingForAcceptAck() {
		myAskingForAcceptAck = true;
		return this;
	}

	String acknowledgmentCode() {
		return myAcknowledgmentCode;
	}

	String toEr7(Instant theNow) {
		Optional<MshHeader> acknowledged = Optional.ofNullable(myAcknowledged);
		StringBuilder ack = new StringBuilder();
		ack.append("MSH|^~\\&|").append(RECEIVER).append('|').append(RECEIVER).append('|')
				.append(escape(acknowledged.map(MshHeader::sendingApplication).orElse(""))).append('|')
				.append(escape(acknowledged.map(MshHeader::sendingFacility).orElse(""))).append('|')
				.append(HL7_TIME.format(theNow)).append("||ACK^")
				.append(escape(acknowledged.map(MshHeader::triggerEvent).orElse(""))).append("^ACK|")
				.append(RECEIVER).append('-').append(theNow.toEpochMilli()).append('-').append(ourSequence.incrementAndGet()).append('|')
				.append(acknowledged.map(MshHeader::processingId).filter(id -> !id.isEmpty()).orElse("P")).append('|')
				.append(acknowledged.map(MshHeader::version).filter(version -> !version.isEmpty()).orElse("2.6"))
				.append(myAskingForAcceptAck ? "|||AL|NE" : "")
				.append('\r');
		ack.append("MSA|").append(myAcknowledgmentCode).append('|')
				.append(escape(acknowledged.map(MshHeader::controlId).orElse(""))).append('\r');
		for (Error error : myErrors) {
			ack.append("ERR||")
					.append(error.location() == null ? "" : error.location().toErl()).append('|')
					.append(error.code().code()).append('^').append(error.code().text()).append('^').append(Hl7ErrorCode.TABLE).append('|')
					.append(error.severity()).append('|')
					.append(escape(error.openImdCode())).append("^^OPENIMD|||")
					.append(escape(error.text())).append('\r');
		}
		return ack.toString();
	}

	/** HL7 escape sequences for the delimiters, so that a reason can never break the ACK's structure. */
	static String escape(String theText) {
		StringBuilder escaped = new StringBuilder(theText.length());
		for (char c : theText.toCharArray()) {
			switch (c) {
				case '\\' -> escaped.append("\\E\\");
				case '|' -> escaped.append("\\F\\");
				case '^' -> escaped.append("\\S\\");
				case '~' -> escaped.append("\\R\\");
				case '&' -> escaped.append("\\T\\");
				case '\r', '\n' -> escaped.append(' ');
				default -> escaped.append(c);
			}
		}
		return escaped.toString();
	}
}
