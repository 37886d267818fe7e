package org.openimd.terminology.intrathecal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

class IntrathecalKnowledgeTest {

	private final IntrathecalKnowledge knowledge = IntrathecalKnowledge.load();

	@Test
	void recognisesDrugsByBrandNameWhateverTheCaseAndByVerifiedCodesOnly() {
		assertThat(knowledge.drugByName("  INFUMORPH ")).map(IntrathecalKnowledge.Drug::id).contains("morphine");
		assertThat(knowledge.drugByName("Prialt")).map(IntrathecalKnowledge.Drug::id).contains("ziconotide");
		assertThat(knowledge.drugByName("Lioresal Intrathecal")).map(IntrathecalKnowledge.Drug::id).contains("baclofen");
		assertThat(knowledge.drugByRxNorm("7052")).map(IntrathecalKnowledge.Drug::id).contains("morphine");
		// Recalled codes (sufentanil 56795, baclofen 1292) are not to be used before a look-up in RxNav.
		assertThat(knowledge.drugByRxNorm("1292")).isEmpty();
		assertThat(knowledge.drugByRxNorm("56795")).isEmpty();
	}

	@Test
	void recognisesSalineByTheRxNormCodeOfTheIngredientAndOfItsProducts() {
		for (String code : new String[] {"9863", "313002", "1807637", " 727820 "}) {
			assertThat(knowledge.excipientByRxNorm(code)).as("RxNorm %s", code).map(IntrathecalKnowledge.Excipient::id).contains("sodium-chloride");
		}
		assertThat(knowledge.excipientByRxNorm("7052")).as("morphine's code").isEmpty();
		assertThat(knowledge.excipientByName("Normal Saline")).map(IntrathecalKnowledge.Excipient::isDiluent).contains(true);
	}

	@Test
	void everyThresholdKeepsItsRuleSeverityAndCitation() {
		assertThat(knowledge.limits("morphine", "daily-dose")).filteredOn(limit -> limit.rule().equals("DOSE-01")).singleElement()
				.satisfies(limit -> {
					assertThat(limit.value()).contains(new BigDecimal("15"));
					assertThat(limit.unit()).isEqualTo("mg/d");
					assertThat(limit.severity()).isEqualTo(Severity.REJECT);
					assertThat(limit.citation().sources()).containsExactly("S1");
					assertThat(limit.citation().confidence()).isEqualTo("R");
				});
		assertThat(knowledge.limits("ziconotide", "daily-dose")).filteredOn(limit -> limit.rule().equals("DOSE-05")).singleElement()
				.satisfies(limit -> assertThat(limit.severity()).isEqualTo(Severity.REJECT));
		assertThat(knowledge.limits("ziconotide", "ph")).extracting(IntrathecalKnowledge.Limit::rule).containsExactly("PUMP-04");
	}

	@Test
	void pumpParametersFallBackToWhatEveryFamilyShares() {
		assertThat(knowledge.pumpParameter("synchromed-ii", "minimum-flow")).map(IntrathecalKnowledge.PumpParameter::decimal)
				.contains(new BigDecimal("0.048"));
		assertThat(knowledge.pumpParameter("prometra", "minimum-flow")).isEmpty();
		assertThat(knowledge.pumpParameter("prometra", "optimization-rounding")).map(IntrathecalKnowledge.PumpParameter::decimal)
				.contains(new BigDecimal("0.01"));
		assertThat(knowledge.pumpLabels("prometra", "morphine")).singleElement().extracting(label -> label.minimumAge().orElseThrow()).isEqualTo(22);
		assertThat(knowledge.pumpLabels("prometra", "ziconotide")).extracting(IntrathecalKnowledge.PumpLabel::rule)
				.as("ziconotide is no SynchroMed drug (PUMP-01) and not among Prometra's (PUMP-02)").containsExactlyInAnyOrder("PUMP-01", "PUMP-02");
	}

	@Test
	void hasAVersionToReportWithEveryCheck() {
		assertThat(knowledge.version()).isNotBlank();
	}
}
