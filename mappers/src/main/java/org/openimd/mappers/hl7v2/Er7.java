package org.openimd.mappers.hl7v2;

/** Facts about the ER7 (pipe-and-hat) text form of HL7 v2 that hold before any parsing. */
public final class Er7 {

	public static final char SEGMENT_SEPARATOR = '\r';

	private Er7() {}

	/**
	 * The message with every segment ending in CR, as HL7 requires. Real senders end segments with
	 * LF or CRLF, or leave the last one unterminated; none of that changes the content.
	 */
	public static String normalizeSegmentSeparators(String theMessage) {
		String normalized = theMessage.replace("\r\n", "\r").replace('\n', '\r').strip();
		return normalized.isEmpty() ? normalized : normalized + SEGMENT_SEPARATOR;
	}
}
