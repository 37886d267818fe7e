package org.openimd.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EcgLeadTest {

	@Test
	void codesAreThoseOfFhirsEcgExampleAndTheScpEcgPattern() {
		// The FHIR R4 "ekg" example codes leads I, II and III 131329, 131330 and 131389 (shared/reference/ecg.md §1.2).
		assertThat(EcgLead.I.code()).isEqualTo("131329");
		assertThat(EcgLead.II.code()).isEqualTo("131330");
		assertThat(EcgLead.III.code()).isEqualTo("131389");
		assertThat(EcgLead.AVR.code()).isEqualTo("131390");
		assertThat(EcgLead.AVF.code()).isEqualTo("131392");
		assertThat(EcgLead.V1.code()).isEqualTo("131331");
		assertThat(EcgLead.V6.code()).isEqualTo("131336");
		assertThat(EcgLead.AVL.display()).isEqualTo("MDC_ECG_ELEC_POTL_AVL");
	}

	@Test
	void leadsAreFoundByTheirPrintedLabelOrCode() {
		assertThat(EcgLead.byLabel("avf")).contains(EcgLead.AVF);
		assertThat(EcgLead.byLabel(" V3 ")).contains(EcgLead.V3);
		assertThat(EcgLead.byLabel("MLII")).isEmpty();
		assertThat(EcgLead.byCode("131389")).contains(EcgLead.III);
	}
}
