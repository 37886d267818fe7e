package org.openimd.mappers.idco;

import org.openimd.mappers.hl7v2.Hl7Location;

/**
 * Something in an accepted message the mapper had to interpret or could not fully understand: an
 * unknown code kept as sent, a value typed differently from its term, an assumed time zone. The
 * message is stored; the issue travels to the sender as a warning (ERR-4 {@code W}) and stays with
 * the stored message.
 */
public record MappingIssue(String openImdCode, Hl7Location location, String text) {

	@Override
	public String toString() {
		return openImdCode + ": " + text + " at " + location;
	}
}
