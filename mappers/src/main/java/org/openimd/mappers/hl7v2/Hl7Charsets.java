package org.openimd.mappers.hl7v2;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Decodes the bytes of an ER7 message. HL7's default character set is ASCII; ISO-8859-1 decodes
 * every byte to one character, so a message in the default set or an undeclared 8-bit set reads
 * back without loss. MSH-18 {@code UNICODE UTF-8} selects UTF-8.
 */
public final class Hl7Charsets {

	private Hl7Charsets() {}

	public static String decode(byte[] theMessage) {
		String latin1 = new String(theMessage, StandardCharsets.ISO_8859_1);
		return charsetDeclaredIn(latin1).equals(StandardCharsets.UTF_8)
				? new String(theMessage, StandardCharsets.UTF_8)
				: latin1;
	}

	private static Charset charsetDeclaredIn(String theMessage) {
		if (theMessage.length() < 8 || !theMessage.startsWith("MSH")) {
			return StandardCharsets.ISO_8859_1;
		}
		int end = theMessage.indexOf('\r');
		int lf = theMessage.indexOf('\n');
		if (end < 0 || (lf >= 0 && lf < end)) {
			end = lf;
		}
		String msh = end < 0 ? theMessage : theMessage.substring(0, end);
		if (msh.length() < 4) {
			// A header cut short before its field separator declares nothing; the parser says why it is refused.
			return StandardCharsets.ISO_8859_1;
		}
		String[] fields = msh.split(java.util.regex.Pattern.quote(String.valueOf(msh.charAt(3))), -1);
		// MSH-18 is element 17: MSH-1 is the separator itself.
		return fields.length > 17 && fields[17].strip().equalsIgnoreCase("UNICODE UTF-8")
				? StandardCharsets.UTF_8
				: StandardCharsets.ISO_8859_1;
	}
}
