package org.openimd.terminology;

import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.PropertyType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.StringType;

/**
 * The IDC term table as the FHIR R4 CodeSystem {@value Mdc#SYSTEM}.
 *
 * <p>Codes are the numeric context-free codes and displays the {@code MDC_IDC_*} reference IDs, as in
 * the HL7 CardX-CIED IG and tx.fhir.org. The 11073-10101 nomenclature is far larger than the IDC
 * partition we ship, so the resource declares itself a {@code fragment}: a code missing here is
 * unknown to OpenIMD, not invalid in the standard.
 */
public final class IdcoCodeSystem {

	/** The logical id under which the server stores the CodeSystem. */
	public static final String RESOURCE_ID = "mdc-idc";

	/** The designation use of a term's readable label: SNOMED CT's "Synonym", as FHIR's designation-use value set offers. */
	private static final String DESIGNATION_USE_SYSTEM = "http://snomed.info/sct";
	private static final String DESIGNATION_USE_DISPLAY = "900000000000013009";

	/** Concept property carrying the UCUM unit in which a term's numeric values are sent. */
	public static final String UNIT_PROPERTY = "unit";

	private IdcoCodeSystem() {}

	public static CodeSystem from(IdcoTermTable theTable) {
		CodeSystem codeSystem = new CodeSystem();
		codeSystem.setId(RESOURCE_ID);
		codeSystem.setUrl(Mdc.SYSTEM);
		codeSystem.setName("IEEE_11073_10103_IDC");
		codeSystem.setTitle("ISO/IEEE 11073-10101 nomenclature: implantable device, cardiac (IEEE 11073-10103) terms");
		codeSystem.setStatus(PublicationStatus.ACTIVE);
		codeSystem.setExperimental(false);
		codeSystem.setPublisher("OpenIMD (term table); IEEE (nomenclature)");
		codeSystem.setDescription("The IEEE 11073-10103 IDC terms and enumerations OpenIMD recognises, built from the"
				+ " public iCARDEA table of the IHE IDCO nomenclature and the HL7 CardX-CIED IG. Descriptions are"
				+ " OpenIMD's plain-English expansions, not the normative IEEE definitions; the authoritative table is"
				+ " IEEE 11073-10103 (also served by NIST RTMMS).");
		codeSystem.setCaseSensitive(true);
		codeSystem.setContent(CodeSystemContentMode.FRAGMENT);
		codeSystem.setCount(theTable.terms().size());
		codeSystem.addProperty()
				.setCode(UNIT_PROPERTY)
				.setDescription("UCUM unit in which numeric values of this term are sent")
				.setType(PropertyType.STRING);

		for (IdcoTerm term : theTable.terms()) {
			ConceptDefinitionComponent concept = codeSystem.addConcept()
					.setCode(term.code())
					.setDisplay(term.referenceId())
					.setDefinition(term.description());
			// the reference ID is the display IDCO messages and CardX-CIED use; a person reads the label
			concept.addDesignation().setValue(term.label()).getUse().setSystem(DESIGNATION_USE_SYSTEM).setCode(DESIGNATION_USE_DISPLAY);
			term.ucumUnit().ifPresent(unit -> concept.addProperty().setCode(UNIT_PROPERTY).setValue(new StringType(unit)));
		}
		return codeSystem;
	}
}
