package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.IntegerType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/**
 * Every rule that applies is reported, not the first found: for each pair of the pump rules (PUMP-01 …
 * PUMP-08), a prescription to which both apply, with both in the answer; or, for a pair that cannot
 * apply together, why not, checked against the knowledge where it is a fact of the data.
 */
class PumpRulePairsTest {

	private static final List<String> PUMP_RULES = List.of("PUMP-01", "PUMP-02", "PUMP-03", "PUMP-04", "PUMP-05", "PUMP-06", "PUMP-07", "PUMP-08");
	private static final IntrathecalKnowledge KNOWLEDGE = IntrathecalKnowledge.load();

	private final PumpOperations myOperations = new PumpOperations(KNOWLEDGE, PumpPrescriptionRulesTest.TODAY);

	/** Ziconotide in a Prometra: outside a SynchroMed (01) and not on the Prometra label (02). */
	private static PumpInput ziconotideInAPrometra() {
		return PumpInput.of("ziconotide", "25", "ug/mL").basal("1.2", "ug/d").pumpModel("Prometra II", "20").age(40);
	}

	/** Morphine with ziconotide in a Prometra, with morphine boluses, for a patient of {@code theAge}. */
	private static PumpInput morphineAndZiconotideInAPrometra(int theAge) {
		return PumpInput.of("morphine", "10", "mg/mL").and("ziconotide", "25", "ug/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg")
				.pumpModel("Prometra", "20").age(theAge);
	}

	/** Hydromorphone: off-label in a SynchroMed II (03), not permitted in a Prometra (02). */
	private static PumpInput hydromorphone() {
		return PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d");
	}

	/**
	 * Morphine 10 mg/mL at 0.4 mg/d with boluses of at most 0.04 mg/d: 0.044 mL/d, below the SynchroMed's
	 * 0.048 mL/d minimum flow (05), with opioid boluses (06 for an opioid-naive patient).
	 */
	private static PumpInput morphineBelowTheMinimumFlow() {
		return PumpInput.of("morphine", "10", "mg/mL").basal("0.4", "mg/d").bolus("0.01", "0.04", "mg");
	}

	private static PumpInput morphine() {
		return PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
	}

	private static PumpInput morphineInAPrometraForA21YearOld() {
		return PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(21);
	}

	private static final Map<String, Supplier<PumpInput>> BOTH_APPLY = new LinkedHashMap<>();
	private static final Map<String, String> NEVER_TOGETHER = new LinkedHashMap<>();

	static {
		BOTH_APPLY.put("PUMP-01 PUMP-02", PumpRulePairsTest::ziconotideInAPrometra);
		BOTH_APPLY.put("PUMP-01 PUMP-04", () -> ziconotideInAPrometra().inactive("benzyl alcohol"));
		BOTH_APPLY.put("PUMP-01 PUMP-06", () -> morphineAndZiconotideInAPrometra(40).opioidNaive());
		BOTH_APPLY.put("PUMP-01 PUMP-07", () -> morphineAndZiconotideInAPrometra(21));
		BOTH_APPLY.put("PUMP-02 PUMP-04", () -> hydromorphone().pumpModel("Prometra", "20").age(40).inactive("benzyl alcohol"));
		BOTH_APPLY.put("PUMP-02 PUMP-06", () -> hydromorphone().pumpModel("Prometra", "20").age(40).bolus("0.1", "0.4", "mg").opioidNaive());
		BOTH_APPLY.put("PUMP-02 PUMP-07", () -> PumpInput.of("morphine", "10", "mg/mL").and("baclofen", "500", "ug/mL").basal("1", "mg/d")
				.pumpModel("Prometra", "20").age(11));
		BOTH_APPLY.put("PUMP-03 PUMP-04", () -> hydromorphone().inactive("benzyl alcohol"));
		BOTH_APPLY.put("PUMP-03 PUMP-05", () -> PumpInput.of("hydromorphone", "10", "mg/mL").basal("0.4", "mg/d"));
		BOTH_APPLY.put("PUMP-03 PUMP-06", () -> hydromorphone().bolus("0.1", "0.4", "mg").opioidNaive());
		BOTH_APPLY.put("PUMP-03 PUMP-08", () -> hydromorphone().flag("daysSinceEri", new IntegerType(60)));
		BOTH_APPLY.put("PUMP-04 PUMP-05", () -> morphineBelowTheMinimumFlow().inactive("benzyl alcohol"));
		BOTH_APPLY.put("PUMP-04 PUMP-06", () -> morphine().inactive("benzyl alcohol").bolus("0.1", "0.4", "mg").opioidNaive());
		BOTH_APPLY.put("PUMP-04 PUMP-07", () -> morphineInAPrometraForA21YearOld().inactive("benzyl alcohol"));
		BOTH_APPLY.put("PUMP-04 PUMP-08", () -> morphine().inactive("benzyl alcohol").flag("daysSinceEri", new IntegerType(60)));
		BOTH_APPLY.put("PUMP-05 PUMP-06", () -> morphineBelowTheMinimumFlow().opioidNaive());
		BOTH_APPLY.put("PUMP-05 PUMP-08", () -> morphineBelowTheMinimumFlow().flag("daysSinceEri", new IntegerType(60)));
		BOTH_APPLY.put("PUMP-06 PUMP-07", () -> morphineInAPrometraForA21YearOld().bolus("0.1", "0.4", "mg").opioidNaive());
		BOTH_APPLY.put("PUMP-06 PUMP-08", () -> morphine().bolus("0.1", "0.4", "mg").opioidNaive().flag("daysSinceEri", new IntegerType(60)));

		String synchroMedOnlyVersusNot = "PUMP-03 is for a SynchroMed II, the other for any pump that is not one";
		String noMinimumFlowOutsideSynchroMed = "only the SynchroMed has a minimum flow (PUMP-05); the other needs a Prometra";
		String noEriOutsideSynchroMed = "only the SynchroMed reports days since ERI (PUMP-08); the other needs a Prometra, whose check refuses them";
		String agesOnlyOnThePrometraLabel = "minimum ages (PUMP-07) are on the Prometra label only; the other needs a SynchroMed";
		NEVER_TOGETHER.put("PUMP-01 PUMP-03", synchroMedOnlyVersusNot);
		NEVER_TOGETHER.put("PUMP-02 PUMP-03", synchroMedOnlyVersusNot);
		NEVER_TOGETHER.put("PUMP-01 PUMP-05", noMinimumFlowOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-02 PUMP-05", noMinimumFlowOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-05 PUMP-07", noMinimumFlowOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-01 PUMP-08", noEriOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-02 PUMP-08", noEriOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-07 PUMP-08", noEriOutsideSynchroMed);
		NEVER_TOGETHER.put("PUMP-03 PUMP-07", agesOnlyOnThePrometraLabel);
	}

	@Test
	void everyPairOfPumpRulesHasACaseOrAReason() {
		Set<String> pairs = new HashSet<>();
		for (int first = 0; first < PUMP_RULES.size(); first++) {
			for (int second = first + 1; second < PUMP_RULES.size(); second++) {
				pairs.add(PUMP_RULES.get(first) + " " + PUMP_RULES.get(second));
			}
		}
		List<String> covered = new ArrayList<>(BOTH_APPLY.keySet());
		covered.addAll(NEVER_TOGETHER.keySet());

		assertThat(covered).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(pairs);
	}

	@TestFactory
	Stream<DynamicTest> bothRulesOfEachPairThatCanApplyTogetherAreReported() {
		return BOTH_APPLY.entrySet().stream().map(pair -> DynamicTest.dynamicTest(pair.getKey(), () -> {
			PumpAnswer answer = new PumpAnswer(myOperations.checkPumpPrescription(pair.getValue().get().parameters(), reference -> Optional.empty()));
			List<String> reported = new ArrayList<>(answer.errors());
			reported.addAll(answer.warnings());
			assertThat(reported).containsAll(List.of(pair.getKey().split(" ")));
		}));
	}

	@Test
	void theReasonsPairsCannotApplyTogetherAreFactsOfTheKnowledge() {
		assertThat(KNOWLEDGE.pumpParameter("prometra", "minimum-flow")).isEmpty();
		assertThat(KNOWLEDGE.pumpParameter("synchromed-ii", "minimum-flow")).isPresent();
		for (String drug : List.of("morphine", "hydromorphone", "fentanyl", "sufentanil", "ziconotide", "baclofen", "bupivacaine", "clonidine")) {
			assertThat(KNOWLEDGE.pumpLabels("synchromed-ii", drug)).allSatisfy(label -> assertThat(label.minimumAge()).isEmpty());
			assertThat(KNOWLEDGE.pumpLabels("prometra", drug)).noneSatisfy(label -> assertThat(label.rule()).isEqualTo("PUMP-03"));
		}
	}
}
