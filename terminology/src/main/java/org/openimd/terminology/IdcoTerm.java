package org.openimd.terminology;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One IEEE 11073-10103 term: its reference ID ({@code MDC_IDC_DEV_TYPE}), its numeric context-free
 * code ({@code 720897}), the UCUM unit its values are sent in (absent for coded and text values)
 * and a plain-English description.
 */
public record IdcoTerm(String referenceId, String code, Optional<String> ucumUnit, String description) {

	/** The table's descriptions open with the HL7 v2 type the term's values take, e.g. "(NM)". */
	private static final Pattern VALUE_TYPE = Pattern.compile("^\\((NM|CWE|DTM|ST)\\)");
	/** What a description says for the table's maintainers, not for a reader: the value type, sources, HL7 encoding notes. */
	private static final Pattern NOT_FOR_READERS = Pattern.compile(
			"^\\((?:NM|CWE|DTM|ST|enum value of [^)]*)\\)\\s*|\\s*\\[[^\\]]*\\]|\\s*\\((?:OBX-4|enum|also|inferred|2009 draft name)[^)]*\\)");

	/** The HL7 v2 data type (OBX-2) the term's values are defined with, where the table says it. */
	public Optional<String> hl7ValueType() {
		Matcher type = VALUE_TYPE.matcher(description);
		return type.find() ? Optional.of(type.group(1)) : Optional.empty();
	}

	/**
	 * A label a person reads ("Battery measurement: voltage", "Remote, scheduled"): the description
	 * without the value type, sources and encoding notes. A project-written wording, like the
	 * description it comes from, not IEEE's normative one.
	 */
	public String label() {
		return NOT_FOR_READERS.matcher(description).replaceAll("").strip();
	}

	public boolean isEnumerationValue() {
		return referenceId.startsWith(Mdc.ENUM_PREFIX);
	}
}
