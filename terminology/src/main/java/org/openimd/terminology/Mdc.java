package org.openimd.terminology;

/**
 * The ISO/IEEE 11073-10101 nomenclature, of which IEEE 11073-10103 (implantable device, cardiac:
 * the {@code MDC_IDC_*} terms) is one partition. Every OpenIMD module names this code system through
 * these constants, never through a string literal of its own.
 */
public final class Mdc {

	/** The canonical URI that FHIR and the HL7 CardX-CIED IG use for the 11073-10101 nomenclature. */
	public static final String SYSTEM = "urn:iso:std:iso:11073:10101";

	private Mdc() {}
}
