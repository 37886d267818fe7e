package org.openimd.mappers.hl7v2;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

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
		return MshHeader.segmentAtStart(theMessage)
				.map(msh -> msh.split(Pattern.quote(String.valueOf(msh.charAt(3))), -1))
				// MSH-18 is element 17: MSH-1 is the separator itself.
				.filter(fields -> fields.length > 17 && fields[17].strip().equalsIgnoreCase("UNICODE UTF-8"))
				.map(fields -> StandardCharsets.UTF_8)
				.orElse(StandardCharsets.ISO_8859_1);
	}
}
