package org.openimd.terminology;

/**
 * The ISO/IEEE 11073-10101 nomenclature, of which IEEE 11073-10103 (implantable device, cardiac:
 * the {@code MDC_IDC_*} terms) is one partition. Every OpenIMD module names this code system and
 * its terms through these constants, never through literals of its own; {@code MdcTest} checks
 * each constant against the shipped term table.
 */
public final class Mdc {

	/** The canonical URI that FHIR and the HL7 CardX-CIED IG use for the 11073-10101 nomenclature. */
	public static final String SYSTEM = "urn:iso:std:iso:11073:10101";

	public static final String MDC_IDC_DEV_TYPE = "720897";
	public static final String MDC_IDC_DEV_MODEL = "720898";
	public static final String MDC_IDC_DEV_SERIAL = "720899";
	public static final String MDC_IDC_DEV_MFG = "720900";
	public static final String MDC_IDC_LEAD_MODEL = "720961";
	public static final String MDC_IDC_LEAD_SERIAL = "720962";
	public static final String MDC_IDC_LEAD_MFG = "720963";
	public static final String MDC_IDC_LEAD_LOCATION = "720966";
	public static final String MDC_IDC_SESS_DTM = "721025";
	public static final String MDC_IDC_SESS_TYPE = "721026";
	public static final String MDC_IDC_SESS_CLINICIAN_NAME = "721031";

	/** Enumeration values are named {@code MDC_IDC_ENUM_<enumeration>_<mnemonic>}. */
	public static final String ENUM_PREFIX = "MDC_IDC_ENUM_";

	/** Pre-2012 draft names of the device terms; IHE CP-PCD-067 renamed them, keeping the codes. */
	public static final String LEGACY_DEVICE_PREFIX = "MDC_IDC_PG_";

	public static final String DEVICE_PREFIX = "MDC_IDC_DEV_";
	public static final String LEAD_PREFIX = "MDC_IDC_LEAD_";

	private Mdc() {}
}
