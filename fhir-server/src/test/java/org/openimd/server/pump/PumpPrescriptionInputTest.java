package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/** Input the checks cannot read is refused with an OperationOutcome that says what and where, never guessed at. */
class PumpPrescriptionInputTest {

	private final PumpOperations operations = new PumpOperations(IntrathecalKnowledge.load(), PumpPrescriptionRulesTest.TODAY);

	private PumpAnswer check(PumpInput theInput) {
		return new PumpAnswer(operations.checkPumpPrescription(theInput.parameters(), reference -> Optional.empty()));
	}

	private OperationOutcome.OperationOutcomeIssueComponent refusal(PumpInput theInput) {
		InvalidRequestException refused = (InvalidRequestException) org.assertj.core.api.Assertions.catchThrowable(() -> check(theInput));
		assertThat(refused).isNotNull();
		OperationOutcome outcome = (OperationOutcome) refused.getOperationOutcome();
		assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
		return outcome.getIssueFirstRep();
	}

	@Test
	void aMissingStrengthIsRefused() {
		PumpInput input = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
		input.request().getContained().forEach(resource -> ((org.hl7.fhir.r4.model.Medication) resource).getIngredientFirstRep().setStrength(null));
		var issue = refusal(input);
		assertThat(issue.getDiagnostics()).contains("no strength");
		assertThat(issue.getExpression().get(0).getValue()).isEqualTo("MedicationRequest.contained.ingredient[0].strength");
	}

	@Test
	void anUnknownDrugCodeIsRefusedAndAKnownOneMustAgreeWithTheName() {
		PumpInput unknown = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
		unknown.request().getContained().forEach(resource -> ((org.hl7.fhir.r4.model.Medication) resource).getIngredientFirstRep()
				.setItem(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "999999", "unobtainium"))));
		assertThat(refusal(unknown).getDiagnostics()).contains("unknown drug").contains("999999");
		PumpInput conflicting = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
		conflicting.request().getContained().forEach(resource -> ((org.hl7.fhir.r4.model.Medication) resource).getIngredientFirstRep()
				.setItem(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "7052", null)).setText("hydromorphone")));
		assertThat(refusal(conflicting).getDiagnostics()).contains("different drugs");
		// The verified code alone is enough.
		PumpInput byCode = PumpInput.of("x", "10", "mg/mL").basal("1", "mg/d");
		byCode.request().getContained().forEach(resource -> ((org.hl7.fhir.r4.model.Medication) resource).getIngredientFirstRep()
				.setItem(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "7052", null))));
		assertThat(check(byCode).dose("Morphine").getValue()).isEqualByComparingTo("1");
	}

	@Test
	void salineIsRecognisedByTheRxNormCodeOfTheIngredientOrOfAProductAsByName() {
		// CONC-04: a naive pump's first ziconotide fill must not be diluted; saline by any of its codes dilutes it.
		List<String> byName = check(PumpInput.of("ziconotide", "25", "ug/mL").inactive("sodium chloride 0.9%").basal("1.2", "ug/d").firstFill())
				.errors();
		assertThat(byName).containsExactly("CONC-04");
		for (String code : List.of("9863", "313002", "1807637", "727820")) {
			PumpInput byCode = PumpInput.of("ziconotide", "25", "ug/mL").inactive(new CodeableConcept(new Coding(OpenImdUris.RXNORM, code, null)))
					.basal("1.2", "ug/d").firstFill();
			assertThat(check(byCode).errors()).as("saline as RxNorm %s", code).isEqualTo(byName);
		}
	}

	@Test
	void anIngredientWhoseCodeAndNameDisagreeAboutWhatItIsIsRefused() {
		PumpInput salineCalledMorphine = PumpInput.of("ziconotide", "25", "ug/mL")
				.inactive(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "9863", null)).setText("morphine")).basal("1.2", "ug/d");
		assertThat(refusal(salineCalledMorphine).getDiagnostics()).contains("Morphine").contains("sodium chloride");
		PumpInput salineCalledAPreservative = PumpInput.of("ziconotide", "25", "ug/mL")
				.inactive(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "313002", null)).setText("benzyl alcohol")).basal("1.2", "ug/d");
		assertThat(refusal(salineCalledAPreservative).getDiagnostics()).contains("different inactive ingredients");
	}

	@Test
	void aDoseInMilligramsAgainstAMicrogramStrengthConverts() {
		// 0.1 mg/d of fentanyl 500 ug/mL: 0.2 mL/d, 100 ug/d.
		PumpAnswer answer = check(PumpInput.of("fentanyl", "500", "ug/mL").basal("0.1", "mg/d"));
		assertThat(answer.dailyVolume()).isEqualByComparingTo("0.2");
		assertThat(answer.dose("Fentanyl").getValue()).isEqualByComparingTo("100");
	}

	@Test
	void unitsThatDoNotConvertAreRefused() {
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mmol/d")).getDiagnostics()).contains("mmol/d");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mL")).getDiagnostics()).contains("'mL'");
		assertThat(refusal(PumpInput.of("morphine", "10", "mcg/mL").basal("1", "mg/d")).getDiagnostics()).contains("write ug");
	}

	@Test
	void negativeOrZeroValuesAreRefused() {
		assertThat(refusal(PumpInput.of("morphine", "-10", "mg/mL").basal("1", "mg/d")).getDiagnostics()).contains("greater than zero");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("0", "mg/d")).getDiagnostics()).contains("greater than zero");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("8637-20", "0")).getDiagnostics())
				.contains("greater than zero");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").bolus("0", "0.4", "mg")).getDiagnostics())
				.contains("greater than zero");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").age(-1)).getDiagnostics()).contains("negative");
	}

	@Test
	void theReservoirMustFitThePumpAndExceedItsAlarmVolume() {
		// The TMLT claim: 40 mL entered for a 20 mL pump.
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("8637-20", "40")).getDiagnostics())
				.contains("exceeds the 20 mL reservoir");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("8637-20", "2")).getDiagnostics())
				.contains("must exceed the low-reservoir alarm volume");
		assertThat(refusal(PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").pumpModel("IsoMed", "20")).getDiagnostics())
				.contains("unknown pump model");
	}

	@Test
	void theProductMustBeAContainedMedicationAndBolusesNeedADailyMaximum() {
		PumpInput coded = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d");
		coded.request().setMedication(new CodeableConcept().setText("morphine 10 mg/mL"));
		assertThat(refusal(coded).getDiagnostics()).contains("contained Medication");
		PumpInput bolus = PumpInput.of("morphine", "10", "mg/mL").basal("1", "mg/d").bolus("0.1", "0.4", "mg");
		bolus.request().getDosageInstruction().get(1).setMaxDosePerPeriod(null);
		assertThat(refusal(bolus).getDiagnostics()).contains("maxDosePerPeriod");
		assertThatThrownBy(() -> operations.checkPumpPrescription(new Parameters(), reference -> Optional.empty()))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("medicationRequest");
	}
}
