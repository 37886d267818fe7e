package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/**
 * One test per rule of {@code intrathecal-rules.md}, named after it, through the operation's own
 * input and answer: each checks the limit on both sides (limits are inclusive), the status, the rule
 * IDs reported and the computed values the specification gives.
 */
class PumpPrescriptionRulesTest {

	static final Clock TODAY = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);

	private final PumpOperations operations = new PumpOperations(IntrathecalKnowledge.load(), TODAY);

	private PumpAnswer check(PumpInput theInput) {
		return new PumpAnswer(operations.checkPumpPrescription(theInput.parameters(), reference -> Optional.empty()));
	}

	/** Morphine 10 mg/mL at 2 mg/d in a 20 mL SynchroMed II: 0.2 mL/d, 18 mL usable, 18 / 0.2 = 90 days. */
	@Test
	void baselineMorphinePrescriptionIsAcceptedWithTheSpecificationsInterval() {
		PumpAnswer answer = check(PumpInput.of("Infumorph", "10", "mg/mL").basal("2", "mg/d"));
		assertThat(answer.status()).isEqualTo("ACCEPT");
		assertThat(answer.dailyVolume()).isEqualByComparingTo("0.2");
		assertThat(answer.refillIntervalDays()).isEqualTo(90);
		assertThat(answer.limitingFactors()).containsExactly("volume", "stability");
		assertThat(answer.dose("Morphine").getValue()).isEqualByComparingTo("2");
		assertThat(answer.dose("Morphine").getCode()).isEqualTo("mg/d");
		assertThat(answer.outcome().getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.INFORMATION);
	}

	@Test
	void DOSE_01_morphineAboveFifteenMilligramsADayIsRejectedAndFifteenIsAccepted() {
		PumpInput atLimit = PumpInput.of("morphine sulfate", "20", "mg/mL").basal("15", "mg/d").pumpModel("8637-40", "40");
		assertThat(check(atLimit).errors()).doesNotContain("DOSE-01");
		assertThat(check(atLimit).refillIntervalDays()).isEqualTo(50);
		PumpAnswer above = check(PumpInput.of("morphine sulfate", "20", "mg/mL").basal("15.001", "mg/d").pumpModel("8637-40", "40"));
		assertThat(above.status()).isEqualTo("REJECT");
		assertThat(above.errors()).containsExactly("DOSE-01");
		assertThat(above.outcome().getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("MedicationRequest.contained.ingredient[0]");
	}

	@Test
	void DOSE_01_countsBolusesInTheDailyDoseOfEveryIngredientOfAnAdmixture() {
		// Morphine 10 mg/mL + clonidine 500 ug/mL: 1.1 mg/d basal and 0.1 mg/d of boluses deliver 0.12 mL/d, i.e. 60 ug/d clonidine.
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").and("clonidine", "500", "ug/mL").basal("1.1", "mg/d")
				.bolus("0.05", "0.1", "mg"));
		assertThat(answer.dose("Clonidine").getValue()).isEqualByComparingTo("60");
		assertThat(answer.dose("Clonidine").getCode()).isEqualTo("ug/d");
		// Clonidine 5000 ug/mL at the same volume gives 600 ug/d, the limit; 5001 ug/mL crosses it... and CONC-01 (1000 ug/mL).
		PumpAnswer overdosed = check(PumpInput.of("morphine", "10", "mg/mL").and("clonidine", "1000", "ug/mL").basal("6.1", "mg/d"));
		assertThat(overdosed.dose("Clonidine").getValue()).isEqualByComparingTo("610");
		assertThat(overdosed.errors()).containsExactly("DOSE-01");
	}

	@Test
	void DOSE_02_ziconotideAboveTheLabelMaximumIsRejected() {
		assertThat(check(PumpInput.of("Prialt", "25", "ug/mL").basal("19.2", "ug/d")).status()).isEqualTo("ACCEPT");
		PumpAnswer above = check(PumpInput.of("Prialt", "25", "ug/mL").basal("19.3", "ug/d"));
		assertThat(above.errors()).containsExactly("DOSE-02");
	}

	@Test
	void DOSE_03_bupivacaineInTheUpperPaccBandWarnsAndAboveItIsRejected() {
		assertThat(check(PumpInput.of("bupivacaine", "25", "mg/mL").basal("15", "mg/d")).warnings()).containsExactly("PUMP-03");
		PumpAnswer band = check(PumpInput.of("bupivacaine", "25", "mg/mL").basal("15.5", "mg/d"));
		assertThat(band.status()).isEqualTo("ACCEPT_WITH_WARNINGS");
		assertThat(band.warnings()).containsExactly("DOSE-03", "PUMP-03");
		assertThat(check(PumpInput.of("bupivacaine", "25", "mg/mL").basal("20", "mg/d")).warnings()).contains("DOSE-03");
		PumpAnswer above = check(PumpInput.of("bupivacaine", "25", "mg/mL").basal("20.5", "mg/d"));
		assertThat(above.errors()).containsExactly("DOSE-01");
		assertThat(above.warnings()).doesNotContain("DOSE-03");
	}

	@Test
	void DOSE_04_baclofenAboveAThousandMicrogramsADayWarns() {
		assertThat(check(PumpInput.of("Lioresal Intrathecal", "2000", "ug/mL").basal("1000", "ug/d")).status()).isEqualTo("ACCEPT");
		PumpAnswer above = check(PumpInput.of("Lioresal Intrathecal", "2000", "ug/mL").basal("1000.5", "ug/d"));
		assertThat(above.status()).isEqualTo("ACCEPT_WITH_WARNINGS");
		assertThat(above.warnings()).containsExactly("DOSE-04");
	}

	@Test
	void DOSE_05_startingAbovePaccRangeWarnsAndZiconotideAboveTheLabelStartIsRejected() {
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("0.5", "mg/d").initiation()).status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("0.6", "mg/d").initiation()).warnings()).containsExactly("DOSE-05");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("0.6", "mg/d")).status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("2.4", "ug/d").initiation()).status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("2.5", "ug/d").initiation()).errors()).containsExactly("DOSE-05");
	}

	@Test
	void DOSE_06_ziconotideTitrationStepAboveTwoPointFourOrWithinTwentyFourHoursIsRejected() {
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("4.8", "ug/d").previous("2.4", "ug/d", "24")).status())
				.isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("4.9", "ug/d").previous("2.4", "ug/d", "48")).errors())
				.containsExactly("DOSE-06");
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("4.8", "ug/d").previous("2.4", "ug/d", "23")).errors())
				.containsExactly("DOSE-06");
		// A decrease may come at any time.
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("2.4", "ug/d").previous("4.8", "ug/d", "1")).status())
				.isEqualTo("ACCEPT");
	}

	@Test
	void DOSE_07_baclofenTitrationAboveThirtyPercentSpinalOrFifteenPercentCerebralWarns() {
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("650", "ug/d").previous("500", "ug/d", null).origin("spinal"))
				.status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("651", "ug/d").previous("500", "ug/d", null).origin("spinal"))
				.warnings()).containsExactly("DOSE-07");
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("575", "ug/d").previous("500", "ug/d", null).origin("cerebral"))
				.status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("576", "ug/d").previous("500", "ug/d", null).origin("cerebral"))
				.warnings()).containsExactly("DOSE-07");
		// Origin unknown: the stricter limit (15%) speaks.
		PumpAnswer unknown = check(PumpInput.of("baclofen", "500", "ug/mL").basal("576", "ug/d").previous("500", "ug/d", null));
		assertThat(unknown.warnings()).containsExactly("DOSE-07");
		assertThat(unknown.outcome().getIssueFirstRep().getDetails().getText()).contains("limit 15 %");
	}

	@Test
	void CONC_01_concentrationAboveTheHardMaximumIsRejectedWhateverTheUnit() {
		assertThat(check(PumpInput.of("morphine", "25", "mg/mL").basal("2", "mg/d")).errors()).isEmpty();
		assertThat(check(PumpInput.of("morphine", "25.01", "mg/mL").basal("2", "mg/d")).errors()).containsExactly("CONC-01");
		// Fentanyl's limit is 10 mg/mL; the strength may come in ug/mL.
		assertThat(check(PumpInput.of("fentanyl", "10000", "ug/mL").basal("500", "ug/d")).errors()).isEmpty();
		assertThat(check(PumpInput.of("fentanyl", "10001", "ug/mL").basal("500", "ug/d")).errors()).containsExactly("CONC-01");
	}

	@Test
	void CONC_02_morphineAboveTwentyMilligramsPerMillilitreWarns() {
		assertThat(check(PumpInput.of("morphine", "20", "mg/mL").basal("2", "mg/d")).warnings()).isEmpty();
		PumpAnswer above = check(PumpInput.of("morphine", "20.5", "mg/mL").basal("2", "mg/d"));
		assertThat(above.status()).isEqualTo("ACCEPT_WITH_WARNINGS");
		assertThat(above.warnings()).containsExactly("CONC-02");
		assertThat(check(PumpInput.of("morphine", "25.5", "mg/mL").basal("2", "mg/d")).warnings()).doesNotContain("CONC-02");
	}

	@Test
	void CONC_03_baclofenInAPrometraOutsideFiveHundredToTwoThousandIsRejected() {
		PumpInput prometra = PumpInput.of("Gablofen", "500", "ug/mL").basal("300", "ug/d").pumpModel("Prometra II", "20").age(30);
		assertThat(check(prometra).status()).isEqualTo("ACCEPT");
		assertThat(check(PumpInput.of("Gablofen", "499", "ug/mL").basal("300", "ug/d").pumpModel("Prometra II", "20").age(30)).errors())
				.containsExactly("CONC-03");
		assertThat(check(PumpInput.of("Gablofen", "2000", "ug/mL").basal("300", "ug/d").pumpModel("Prometra II", "20").age(30)).errors())
				.isEmpty();
		// In a SynchroMed II the Prometra range does not apply.
		assertThat(check(PumpInput.of("Gablofen", "499", "ug/mL").basal("300", "ug/d")).errors()).isEmpty();
	}

	@Test
	void CONC_04_firstFillOfANaivePumpWithZiconotideMustBeUndilutedTwentyFive() {
		PumpAnswer undiluted = check(PumpInput.of("ziconotide", "25", "ug/mL").basal("1.2", "ug/d").firstFill());
		assertThat(undiluted.errors()).isEmpty();
		assertThat(undiluted.refillIntervalDays()).isEqualTo(14);
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").inactive("sodium chloride 0.9%").basal("1.2", "ug/d").firstFill()).errors())
				.containsExactly("CONC-04");
		// 4.8 ug/d of 100 ug/mL is the 0.048 mL/d minimum flow: only the first-fill rule speaks.
		assertThat(check(PumpInput.of("ziconotide", "100", "ug/mL").basal("4.8", "ug/d").firstFill()).errors()).containsExactly("CONC-04");
	}

	@Test
	void STAB_01_requestedIntervalBeyondTheStabilityCapIsRejected() {
		PumpInput morphine = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("8637-40", "40");
		assertThat(check(morphine.requestedDays(90)).status()).isEqualTo("ACCEPT");
		PumpAnswer longer = check(morphine.requestedDays(91));
		assertThat(longer.errors()).containsExactly("STAB-01");
		assertThat(longer.refillIntervalDays()).isEqualTo(90);
	}

	@Test
	void STAB_02_aVolumeLimitedIntervalBeyondTheCapIsClippedAndStabilityReported() {
		// 38 mL usable at 0.1 mL/d would last 380 days; morphine is stable 90.
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("8637-40", "40"));
		assertThat(answer.status()).isEqualTo("ACCEPT");
		assertThat(answer.refillIntervalDays()).isEqualTo(90);
		assertThat(answer.limitingFactors()).containsExactly("stability");
	}

	@Test
	void STAB_UNK_formulationWithoutStabilityDataWarnsAndTakesTheComponentMinimumOrNinetyDays() {
		PumpAnswer fentanyl = check(PumpInput.of("fentanyl", "500", "ug/mL").basal("50", "ug/d"));
		assertThat(fentanyl.warnings()).containsExactly("PUMP-03", "STAB-UNK");
		assertThat(fentanyl.refillIntervalDays()).isEqualTo(90);
		PumpAnswer withBupivacaine = check(PumpInput.of("fentanyl", "500", "ug/mL").and("bupivacaine", "5", "mg/mL").basal("50", "ug/d"));
		assertThat(withBupivacaine.warnings()).contains("STAB-UNK");
		assertThat(withBupivacaine.refillIntervalDays()).isEqualTo(84);
		// Listed formulations have no STAB-UNK: morphine + bupivacaine takes its components' minimum (84).
		PumpAnswer listed = check(PumpInput.of("morphine", "10", "mg/mL").and("bupivacaine", "5", "mg/mL").basal("1", "mg/d"));
		assertThat(listed.warnings()).containsExactly("PUMP-03");
		assertThat(listed.refillIntervalDays()).isEqualTo(84);
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").and("morphine", "1", "mg/mL").basal("100", "ug/d")).refillIntervalDays())
				.isEqualTo(30);
	}

	@Test
	void ADMIX_ZIC_ziconotideInAnAdmixtureWarnsAndIsStableFortyDays() {
		PumpAnswer answer = check(PumpInput.of("ziconotide", "25", "ug/mL").and("morphine", "10", "mg/mL").basal("1.2", "ug/d"));
		assertThat(answer.warnings()).containsExactly("ADMIX-ZIC");
		assertThat(answer.refillIntervalDays()).isEqualTo(40);
	}

	@Test
	void ADMIX_BAC_baclofenAdmixedWarnsAndBaclofenClonidineIsStableNinetyEightDays() {
		PumpAnswer answer = check(PumpInput.of("baclofen", "2000", "ug/mL").and("clonidine", "100", "ug/mL").basal("200", "ug/d"));
		assertThat(answer.warnings()).containsExactly("ADMIX-BAC", "PUMP-03");
		assertThat(answer.refillIntervalDays()).isEqualTo(98);
		assertThat(answer.limitingFactors()).containsExactly("stability");
	}

	@Test
	void PUMP_01_ziconotideOutsideASynchroMedIsRejectedAndInAPrometraPUMP_02Too() {
		// Both rules apply to ziconotide in a Prometra, and a prescriber is told of every rule that applies.
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("1.2", "ug/d").pumpModel("Prometra II", "20")).errors())
				.containsExactlyInAnyOrder("PUMP-01", "PUMP-02");
	}

	@Test
	void PUMP_02_prometraAcceptsOnlyItsLabelledDrugsAndNoAdmixture() {
		assertThat(check(PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20")).errors())
				.containsExactly("PUMP-02");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(40)).errors()).isEmpty();
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").and("baclofen", "500", "ug/mL").basal("1", "mg/d").pumpModel("Prometra", "20")
				.age(40)).errors()).containsExactly("PUMP-02");
	}

	@Test
	void PUMP_03_offLabelDrugInASynchroMedWarns() {
		PumpAnswer answer = check(PumpInput.of("hydromorphone", "10", "mg/mL").basal("1", "mg/d"));
		assertThat(answer.status()).isEqualTo("ACCEPT_WITH_WARNINGS");
		assertThat(answer.warnings()).containsExactly("PUMP-03");
	}

	@Test
	void PUMP_04_preservativeOrAcidFormulationIsRejected() {
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").inactive("Benzyl alcohol").basal("1", "mg/d")).errors())
				.containsExactly("PUMP-04");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").flag("formulationPh", new DecimalType("3"))).errors())
				.containsExactly("PUMP-04");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").flag("formulationPh", new DecimalType("3.1"))).errors())
				.isEmpty();
	}

	@Test
	void PUMP_05_dailyVolumeBelowTheSynchroMedMinimumFlowIsRejected() {
		// 25 ug/mL x 0.048 mL/d = 1.2 ug/d, the lowest deliverable undiluted ziconotide dose.
		PumpAnswer minimum = check(PumpInput.of("ziconotide", "25", "ug/mL").basal("1.2", "ug/d"));
		assertThat(minimum.errors()).isEmpty();
		assertThat(minimum.dailyVolume()).isEqualByComparingTo("0.048");
		assertThat(check(PumpInput.of("ziconotide", "25", "ug/mL").basal("1.1", "ug/d")).errors()).containsExactly("PUMP-05");
	}

	@Test
	void PUMP_06_opioidBolusesForAnOpioidNaivePatientAreRejected() {
		PumpInput boluses = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg");
		assertThat(check(boluses).errors()).isEmpty();
		assertThat(check(boluses.opioidNaive()).errors()).containsExactly("PUMP-06");
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("100", "ug/d").bolus("10", "40", "ug").opioidNaive()).errors()).isEmpty();
	}

	@Test
	void PUMP_07_patientYoungerThanThePrometraLabelIsRejected() {
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(22)).errors()).isEmpty();
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(21)).errors())
				.containsExactly("PUMP-07");
		assertThat(check(PumpInput.of("baclofen", "500", "ug/mL").basal("100", "ug/d").pumpModel("Prometra", "20").age(11)).errors())
				.containsExactly("PUMP-07");
		// Without patientAge, the age comes from the subject's birthDate.
		Patient child = new Patient();
		child.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2006-11-23"));
		PumpAnswer fromBirthDate = new PumpAnswer(operations.checkPumpPrescription(
				PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").parameters(), reference -> Optional.of(child)));
		assertThat(fromBirthDate.errors()).containsExactly("PUMP-07");
		assertThatThrownBy(() -> check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20")))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("age");
	}

	@Test
	void PUMP_08_pumpAtEriCapsTheIntervalAtTheDaysLeftAndWarns() {
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").flag("daysSinceEri", new IntegerType(60)));
		assertThat(answer.warnings()).containsExactly("PUMP-08");
		assertThat(answer.refillIntervalDays()).isEqualTo(30);
		assertThat(answer.limitingFactors()).containsExactly("eri");
		assertThatThrownBy(() -> check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(40)
				.flag("daysSinceEri", new IntegerType(10)))).isInstanceOf(InvalidRequestException.class);
	}

	@Test
	void MRI_01_mriWithAPrometraWarnsToEmptyTheReservoir() {
		PumpInput prometra = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(40);
		assertThat(check(prometra.flag("mriScheduled", new BooleanType(true))).warnings()).containsExactly("MRI-01");
		assertThat(check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").flag("mriScheduled", new BooleanType(true))).warnings())
				.isEmpty();
	}

	@Test
	void REFILL_01_requestedIntervalBeyondTheReservoirIsRejected() {
		// 4 mg/d at 10 mg/mL: 0.4 mL/d; 18 mL usable lasts 45 days.
		PumpInput morphine = PumpInput.of("morphine", "10", "mg/mL").basal("4", "mg/d");
		assertThat(check(morphine.requestedDays(45)).status()).isEqualTo("ACCEPT");
		PumpAnswer longer = check(morphine.requestedDays(46));
		assertThat(longer.errors()).containsExactly("REFILL-01");
		assertThat(longer.refillIntervalDays()).isEqualTo(45);
		assertThat(longer.limitingFactors()).containsExactly("volume");
	}

	@Test
	void REFILL_01_prometraCountsEveryBolusAndItsThreeMillilitreRefillVolume() {
		// (1 + 0.4) mg/d / 10 mg/mL = 0.14 mL/d; (20 - 3) / 0.14 = 121.4 -> 121 days, capped by stability at 90.
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg").pumpModel("Prometra", "20")
				.age(40).flag("lowReservoirAlarmVolume", PumpInput.ucum("3", "mL")));
		assertThat(answer.dailyVolume()).isEqualByComparingTo("0.14");
		assertThat(answer.refillIntervalDays()).isEqualTo(90);
		PumpAnswer tight = check(PumpInput.of("morphine", "25", "mg/mL").basal("4", "mg/d").bolus("0.5", "1", "mg").pumpModel("Prometra", "20")
				.age(40));
		// 5 mg/d / 25 mg/mL = 0.2 mL/d; 17 / 0.2 = 85 days.
		assertThat(tight.refillIntervalDays()).isEqualTo(85);
		assertThatThrownBy(() -> check(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("Prometra", "20").age(40)
				.flag("lowReservoirAlarmVolume", PumpInput.ucum("2", "mL")))).isInstanceOf(InvalidRequestException.class);
	}

	@Test
	void REFILL_02_recommendsTheLowestConcentrationReachingTheCapRoundedUp() {
		// 3 mg/d for 90 days from 38 mL usable: 7.105… mg/mL, rounded up to 7.11 (7.10 would last 89 days).
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").basal("3", "mg/d").pumpModel("8637-40", "40"));
		assertThat(answer.optimizationPart("recommendedConcentration").getValue()).isInstanceOfSatisfying(org.hl7.fhir.r4.model.Quantity.class,
				quantity -> {
					assertThat(quantity.getValue()).isEqualByComparingTo("7.11");
					assertThat(quantity.getCode()).isEqualTo("mg/mL");
				});
		assertThat(answer.optimizationPart("targetReachable").getValue().primitiveValue()).isEqualTo("true");
		assertThat(answer.optimizationPart("maxFeasibleIntervalDays").getValue().primitiveValue()).isEqualTo("90");
	}

	@Test
	void REFILL_02_reportsTheLongestFeasibleIntervalAtTheHardMaximumWhenTheCapIsOutOfReach() {
		// 14 mg/d would need 70 mg/mL for 90 days; at the 25 mg/mL maximum 18 mL last 32 days.
		PumpAnswer answer = check(PumpInput.of("morphine", "10", "mg/mL").basal("14", "mg/d"));
		assertThat(answer.refillIntervalDays()).isEqualTo(12);
		assertThat(answer.optimizationPart("targetReachable").getValue().primitiveValue()).isEqualTo("false");
		assertThat(((org.hl7.fhir.r4.model.Quantity) answer.optimizationPart("recommendedConcentration").getValue()).getValue())
				.isEqualByComparingTo("25");
		assertThat(answer.optimizationPart("maxFeasibleIntervalDays").getValue().primitiveValue()).isEqualTo("32");
	}

	@Test
	void REFILL_02_ziconotideUndilutedStrengthBeatsADilutionForItsLongerStability() {
		// Diluted 10 ug/mL at 6 ug/d: 0.6 mL/d, 30 days. Undiluted 100 ug/mL: 300 days of volume, stable 84.
		PumpAnswer answer = check(PumpInput.of("ziconotide", "10", "ug/mL").inactive("preservative-free sodium chloride").basal("6", "ug/d"));
		assertThat(answer.refillIntervalDays()).isEqualTo(30);
		assertThat(((org.hl7.fhir.r4.model.Quantity) answer.optimizationPart("recommendedConcentration").getValue()).getValue())
				.isEqualByComparingTo("100");
		assertThat(answer.optimizationPart("maxFeasibleIntervalDays").getValue().primitiveValue()).isEqualTo("84");
	}
}
