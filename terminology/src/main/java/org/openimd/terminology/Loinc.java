package org.openimd.terminology;

/** LOINC codes OpenIMD writes or recognises. */
public final class Loinc {

	public static final String SYSTEM = "http://loinc.org";

	/** Cardiac electrophysiology procedure note: the interrogation report (HL7 CardX-CIED). */
	public static final String CARDIAC_EP_PROCEDURE_NOTE = "10191-5";

	/** Cardiac electrophysiology report: the code IHE IDCO gives an embedded EGM or report PDF. */
	public static final String CARDIAC_EP_REPORT = "18750-0";

	private Loinc() {}
}
