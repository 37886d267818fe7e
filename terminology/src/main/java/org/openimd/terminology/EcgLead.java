package org.openimd.terminology;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The surface ECG leads, coded as FHIR's own ECG example codes them: {@code MDC_ECG_ELEC_POTL_x}, the
 * electric potential measured on lead x, in ISO/IEEE 11073-10101 ({@link Mdc#SYSTEM}). The code is
 * 131328 + the lead's SCP-ECG number (I = 1, II = 2, V1…V6 = 3…8, III = 61, aVR/aVL/aVF = 62…64), as
 * DICOM CID 3001 numbers the neighbouring {@code MDC_ECG_LEAD_x} family from 131072
 * (shared/reference/ecg.md §1.3).
 */
public enum EcgLead {
	I("I", 1), II("II", 2), III("III", 61), AVR("aVR", 62), AVL("aVL", 63), AVF("aVF", 64),
	V1("V1", 3), V2("V2", 4), V3("V3", 5), V4("V4", 6), V5("V5", 7), V6("V6", 8);

	private static final int ELECTRIC_POTENTIAL_BASE = 131328;

	private final String myLabel;
	private final int myScpEcgNumber;

	EcgLead(String theLabel, int theScpEcgNumber) {
		myLabel = theLabel;
		myScpEcgNumber = theScpEcgNumber;
	}

	/** The lead as ECGs print it: I, II, aVR, V1… */
	public String label() {
		return myLabel;
	}

	/** Its {@code MDC_ECG_ELEC_POTL_x} code in {@link Mdc#SYSTEM}. */
	public String code() {
		return Integer.toString(ELECTRIC_POTENTIAL_BASE + myScpEcgNumber);
	}

	public String display() {
		return "MDC_ECG_ELEC_POTL_" + myLabel.toUpperCase(Locale.ROOT);
	}

	public static Optional<EcgLead> byLabel(String theLabel) {
		return Arrays.stream(values()).filter(lead -> lead.myLabel.equalsIgnoreCase(theLabel.trim())).findFirst();
	}

	public static Optional<EcgLead> byCode(String theCode) {
		return Arrays.stream(values()).filter(lead -> lead.code().equals(theCode)).findFirst();
	}
}
