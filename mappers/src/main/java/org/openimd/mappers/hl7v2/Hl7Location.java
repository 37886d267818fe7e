package org.openimd.mappers.hl7v2;

/**
 * Where in a message a problem lies, as HL7's ERR-2 (ERL) names it: segment ID, the segment's
 * position among segments of that ID (1-based), field and component (0 where not applicable).
 */
public record Hl7Location(String segment, int sequence, int field, int component) {

	public static Hl7Location segment(String theSegment, int theSequence) {
		return new Hl7Location(theSegment, theSequence, 0, 0);
	}

	public static Hl7Location field(String theSegment, int theSequence, int theField) {
		return new Hl7Location(theSegment, theSequence, theField, 0);
	}

	public Hl7Location component(int theComponent) {
		return new Hl7Location(segment, sequence, field, theComponent);
	}

	/** ERR-2 in ER7, components joined with {@code ^}: segment^sequence^field^repetition^component. */
	public String toErl() {
		StringBuilder erl = new StringBuilder(segment).append('^').append(sequence);
		if (field > 0) {
			erl.append('^').append(field).append("^1");
			if (component > 0) {
				erl.append('^').append(component);
			}
		}
		return erl.toString();
	}

	@Override
	public String toString() {
		String location = segment + "[" + sequence + "]";
		if (field > 0) {
			location += "-" + field;
		}
		if (component > 0) {
			location += "." + component;
		}
		return location;
	}
}
