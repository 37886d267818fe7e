package org.openimd.mappers.hl7v2;

import java.util.Optional;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;

/**
 * The MSH fields OpenIMD needs to file and acknowledge a message, read from its text without a full
 * parse, so that even a message that cannot be parsed is stored under its sender and control ID and
 * answered with an ACK that refers to it.
 *
 * @param sendingApplication MSH-3, first component
 * @param sendingFacility MSH-4, first component
 * @param messageType MSH-9.1 ({@code ORU})
 * @param triggerEvent MSH-9.2 ({@code R01})
 * @param controlId MSH-10, the sender's unique message ID
 * @param processingId MSH-11
 * @param version MSH-12
 * @param acceptAckType MSH-15; present only when the sender asks for enhanced-mode acknowledgement
 * @param applicationAckType MSH-16
 */
public record MshHeader(
		String sendingApplication,
		String sendingFacility,
		String receivingApplication,
		String receivingFacility,
		String messageType,
		String triggerEvent,
		String controlId,
		String processingId,
		String version,
		Optional<String> acceptAckType,
		Optional<String> applicationAckType) {

	/** The sender as one string, the key (with the control ID) under which duplicates are recognised. */
	public String sender() {
		return sendingApplication + "^" + sendingFacility;
	}

	public boolean enhancedAcknowledgement() {
		return acceptAckType.isPresent() || applicationAckType.isPresent();
	}

	/** Reads the MSH segment at the start of an ER7 message (any segment separator). */
	public static MshHeader read(String theMessage) throws MessageRejectedException {
		String segment = segmentAtStart(theMessage)
				.orElseThrow(() -> new MessageRejectedException(
						Disposition.REJECT,
						Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
						Hl7Location.segment("MSH", 1),
						"OPENIMD-1001",
						"the message does not start with an MSH segment that has its field separator and encoding characters"));
		char fieldSeparator = segment.charAt(3);
		char componentSeparator = segment.charAt(4);
		// MSH-1 is the field separator itself, so MSH-n is element n-1 of the split.
		String[] fields = segment.split(java.util.regex.Pattern.quote(String.valueOf(fieldSeparator)), -1);
		return new MshHeader(
				component(fields, 3, 1, componentSeparator),
				component(fields, 4, 1, componentSeparator),
				component(fields, 5, 1, componentSeparator),
				component(fields, 6, 1, componentSeparator),
				component(fields, 9, 1, componentSeparator),
				component(fields, 9, 2, componentSeparator),
				component(fields, 10, 1, componentSeparator),
				component(fields, 11, 1, componentSeparator),
				component(fields, 12, 1, componentSeparator),
				optional(component(fields, 15, 1, componentSeparator)),
				optional(component(fields, 16, 1, componentSeparator)));
	}

	/**
	 * The first segment of an ER7 message when it is an MSH segment long enough to hold its field separator
	 * and four encoding characters; a header cut short by a segment end declares nothing.
	 */
	static Optional<String> segmentAtStart(String theMessage) {
		String message = theMessage.stripLeading();
		int end = message.indexOf('\r');
		int lf = message.indexOf('\n');
		if (end < 0 || (lf >= 0 && lf < end)) {
			end = lf;
		}
		String segment = end < 0 ? message : message.substring(0, end);
		return segment.startsWith("MSH") && segment.length() >= 8 ? Optional.of(segment) : Optional.empty();
	}

	private static String component(String[] theFields, int theField, int theComponent, char theSeparator) {
		int index = theField - 1;
		if (index >= theFields.length) {
			return "";
		}
		String[] components = theFields[index].split(java.util.regex.Pattern.quote(String.valueOf(theSeparator)), -1);
		return theComponent <= components.length ? components[theComponent - 1].strip() : "";
	}

	private static Optional<String> optional(String theValue) {
		return theValue.isEmpty() ? Optional.empty() : Optional.of(theValue);
	}
}
