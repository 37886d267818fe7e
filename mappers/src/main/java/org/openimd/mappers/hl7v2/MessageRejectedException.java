package org.openimd.mappers.hl7v2;

/**
 * A message OpenIMD will not store as FHIR. {@link Disposition#ERROR} means the content is wrong
 * (HL7 {@code AE}); {@link Disposition#REJECT} means the message cannot be processed at all
 * ({@code AR}: unparseable, unsupported type or version). The message starts with the stable
 * OpenIMD code, which also goes into ERR-5.
 */
public class MessageRejectedException extends Exception {

	public enum Disposition {
		ERROR,
		REJECT
	}

	private final Disposition myDisposition;
	private final Hl7ErrorCode myHl7ErrorCode;
	private final Hl7Location myLocation;
	private final String myOpenImdCode;

	public MessageRejectedException(
			Disposition theDisposition,
			Hl7ErrorCode theHl7ErrorCode,
			Hl7Location theLocation,
			String theOpenImdCode,
			String theReason) {
		this(theDisposition, theHl7ErrorCode, theLocation, theOpenImdCode, theReason, null);
	}

	public MessageRejectedException(
			Disposition theDisposition,
			Hl7ErrorCode theHl7ErrorCode,
			Hl7Location theLocation,
			String theOpenImdCode,
			String theReason,
			Throwable theCause) {
		super(theOpenImdCode + ": " + theReason + (theLocation == null ? "" : " at " + theLocation), theCause);
		myDisposition = theDisposition;
		myHl7ErrorCode = theHl7ErrorCode;
		myLocation = theLocation;
		myOpenImdCode = theOpenImdCode;
	}

	public Disposition disposition() {
		return myDisposition;
	}

	public Hl7ErrorCode hl7ErrorCode() {
		return myHl7ErrorCode;
	}

	/** Null when the problem is the message as a whole (for example, it cannot be parsed). */
	public Hl7Location location() {
		return myLocation;
	}

	public String openImdCode() {
		return myOpenImdCode;
	}
}
