package org.openimd.mappers.hl7v2;

/** HL7 table 0357, message error condition codes, as sent in ERR-3. */
public enum Hl7ErrorCode {
	/** For warnings on a message that was accepted. */
	MESSAGE_ACCEPTED("0", "Message accepted"),
	SEGMENT_SEQUENCE_ERROR("100", "Segment sequence error"),
	REQUIRED_FIELD_MISSING("101", "Required field missing"),
	DATA_TYPE_ERROR("102", "Data type error"),
	TABLE_VALUE_NOT_FOUND("103", "Table value not found"),
	UNSUPPORTED_MESSAGE_TYPE("200", "Unsupported message type"),
	UNSUPPORTED_EVENT_CODE("201", "Unsupported event code"),
	UNSUPPORTED_VERSION_ID("203", "Unsupported version id"),
	APPLICATION_INTERNAL_ERROR("207", "Application internal error");

	public static final String TABLE = "HL70357";

	private final String myCode;
	private final String myText;

	Hl7ErrorCode(String theCode, String theText) {
		myCode = theCode;
		myText = theText;
	}

	public String code() {
		return myCode;
	}

	public String text() {
		return myText;
	}
}
