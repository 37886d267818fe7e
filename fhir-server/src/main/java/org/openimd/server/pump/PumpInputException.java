package org.openimd.server.pump;

/**
 * Input the pump checks cannot work with: a missing strength, an unknown drug, a unit that does not
 * convert, a value that is not positive. It names where in the input the problem is (a FHIRPath-like
 * location), so the caller's OperationOutcome can point at it.
 */
public class PumpInputException extends RuntimeException {

	private final String myLocation;

	public PumpInputException(String theLocation, String theMessage) {
		super(theMessage);
		myLocation = theLocation;
	}

	public String location() {
		return myLocation;
	}
}
