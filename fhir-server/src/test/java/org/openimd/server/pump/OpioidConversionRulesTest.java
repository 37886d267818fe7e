package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/** One test per CONV rule of {@code intrathecal-rules.md} §4, through the operation's input and answer. */
class OpioidConversionRulesTest {

	private final PumpOperations operations = new PumpOperations(IntrathecalKnowledge.load(), PumpPrescriptionRulesTest.TODAY);

	/** Builds the input: pairs of (drug, route, dose, unit), then the target. */
	static Parameters conversion(String theTarget, String theTargetRoute, String... theDoses) {
		Parameters input = new Parameters();
		for (int i = 0; i < theDoses.length; i += 4) {
			Parameters.ParametersParameterComponent medication = input.addParameter().setName("medication");
			medication.addPart().setName("code").setValue(new CodeableConcept().setText(theDoses[i]));
			medication.addPart().setName("route").setValue(new CodeType(theDoses[i + 1]));
			medication.addPart().setName("dailyDose").setValue(PumpInput.ucum(theDoses[i + 2], theDoses[i + 3]));
		}
		input.addParameter().setName("targetMedication").setValue(new CodeableConcept().setText(theTarget));
		input.addParameter().setName("targetRoute").setValue(new CodeType(theTargetRoute));
		return input;
	}

	private PumpAnswer convert(Parameters theInput) {
		return new PumpAnswer(operations.opioidConversion(theInput));
	}

	@Test
	void CONV_01_systemicOpioidsAddUpAsOralMorphineEquivalentsWithCdcFactors() {
		// Oxycodone 30 mg/d x 1.5 = 45 MME; a 25 ug/h fentanyl patch x 2.4 = 60 MME; 105 MME / 300 = 0.35 mg/d intrathecal.
		PumpAnswer answer = convert(conversion("morphine", "intrathecal", "oxycodone", "oral", "30", "mg/d", "fentanyl", "transdermal", "25", "ug/h"));
		assertThat(answer.status()).isEqualTo("OK");
		assertThat(answer.quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("0.35");
		assertThat(answer.quantity("equivalentDailyDose").getCode()).isEqualTo("mg/d");
		assertThat(answer.rules(IssueSeverity.INFORMATION)).contains("CONV-01", "CONV-02");
		// To oral morphine the MME is the answer itself.
		assertThat(convert(conversion("morphine", "oral", "oxycodone", "oral", "30", "mg/d")).quantity("equivalentDailyDose").getValue())
				.isEqualByComparingTo("45");
	}

	@Test
	void CONV_01_recognisesOpioidsByTheirRxNormCodes() {
		Parameters input = conversion("morphine", "intrathecal", "hydromorphone", "oral", "12", "mg/d");
		input.getParameters("medication").get(0).getPart().get(0)
				.setValue(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "3423", null)));
		// 12 mg x 5 = 60 MME; / 300 = 0.2.
		assertThat(convert(input).quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("0.2");
	}

	@Test
	void CONV_02_routeRatioThreeHundredToOneHundredToTenToOneRoundedHalfUpToAMicrogram() {
		assertThat(convert(conversion("morphine", "intrathecal", "morphine", "oral", "100", "mg/d")).quantity("equivalentDailyDose").getValue())
				.isEqualByComparingTo("0.333");
		assertThat(convert(conversion("morphine", "iv", "morphine", "oral", "300", "mg/d")).quantity("equivalentDailyDose").getValue())
				.isEqualByComparingTo("100");
		assertThat(convert(conversion("morphine", "epidural", "morphine", "iv", "10", "mg/d")).quantity("equivalentDailyDose").getValue())
				.isEqualByComparingTo("1");
		// 0.15 / 300 = 0.0005: half-up gives 0.001 where half-even would give 0.000.
		assertThat(convert(conversion("morphine", "intrathecal", "morphine", "oral", "0.15", "mg/d")).quantity("equivalentDailyDose").getValue())
				.isEqualByComparingTo("0.001");
	}

	@Test
	void CONV_03_suggestedIntrathecalStartIsHalfTheEquivalentAfterSystemicOpioids() {
		PumpAnswer answer = convert(conversion("morphine", "intrathecal", "morphine", "oral", "100", "mg/d"));
		// Half of the exact 0.3333… is 0.1666…, rounded once: 0.167.
		assertThat(answer.quantity("suggestedStartDailyDose").getValue()).isEqualByComparingTo("0.167");
		assertThat(answer.warnings()).containsExactly("CONV-03");
		// No start is suggested between neuraxial routes.
		assertThat(convert(conversion("morphine", "intrathecal", "morphine", "epidural", "10", "mg/d")).parameters()
				.getParameter("suggestedStartDailyDose")).isNull();
	}

	@Test
	void CONV_04_methadoneWarns() {
		// 10 mg x 4.7 = 47 MME; / 300 = 0.15666… -> 0.157.
		PumpAnswer answer = convert(conversion("morphine", "intrathecal", "methadone", "oral", "10", "mg/d"));
		assertThat(answer.quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("0.157");
		assertThat(answer.warnings()).contains("CONV-04");
	}

	@Test
	void CONV_05_neuraxialToSystemicWarnsOfLowConfidence() {
		PumpAnswer answer = convert(conversion("morphine", "oral", "morphine", "intrathecal", "1", "mg/d"));
		assertThat(answer.quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("300");
		assertThat(answer.warnings()).containsExactly("CONV-05");
		assertThat(answer.parameters().getParameter("suggestedStartDailyDose")).isNull();
	}

	@Test
	void CONV_06_theMmeCautionIsAlwaysAttached() {
		assertThat(convert(conversion("morphine", "oral", "tramadol", "oral", "100", "mg/d")).rules(IssueSeverity.INFORMATION)).contains("CONV-06");
		assertThat(convert(conversion("morphine", "intrathecal", "fentanyl", "intrathecal", "100", "ug/d")).rules(IssueSeverity.INFORMATION))
				.contains("CONV-06");
	}

	@Test
	void CONV_07_intrathecalMorphineToHydromorphoneAtFiveToOneWithoutReduction() {
		PumpAnswer toHydromorphone = convert(conversion("hydromorphone", "intrathecal", "morphine", "intrathecal", "5", "mg/d"));
		assertThat(toHydromorphone.quantity("equivalentDailyDose").getValue()).isEqualByComparingTo("1");
		assertThat(toHydromorphone.warnings()).containsExactly("CONV-07");
		assertThat(toHydromorphone.parameters().getParameter("suggestedStartDailyDose")).isNull();
		assertThat(convert(conversion("morphine", "intrathecal", "hydromorphone", "intrathecal", "1", "mg/d")).quantity("equivalentDailyDose")
				.getValue()).isEqualByComparingTo("5");
	}

	@Test
	void CONV_08_intrathecalFentanylAndSufentanilAreNotConverted() {
		PumpAnswer from = convert(conversion("morphine", "intrathecal", "fentanyl", "intrathecal", "100", "ug/d"));
		assertThat(from.status()).isEqualTo("NOT_SUPPORTED");
		assertThat(from.parameters().getParameter("equivalentDailyDose")).isNull();
		assertThat(from.rules(IssueSeverity.INFORMATION)).contains("CONV-08");
		assertThat(convert(conversion("sufentanil", "intrathecal", "morphine", "oral", "60", "mg/d")).status()).isEqualTo("NOT_SUPPORTED");
		// A route no factor covers is not supported either, with the reason.
		PumpAnswer uncovered = convert(conversion("morphine", "intrathecal", "oxycodone", "iv", "10", "mg/d"));
		assertThat(uncovered.status()).isEqualTo("NOT_SUPPORTED");
		assertThat(uncovered.outcome().getIssue()).anySatisfy(issue -> assertThat(issue.getDiagnostics()).containsIgnoringCase("oxycodone by the iv route"));
	}

	@Test
	void badConversionInputIsAClearError() {
		assertThatThrownBy(() -> convert(conversion("morphine", "intrathecal", "unobtainium", "oral", "10", "mg/d")))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("unknown drug");
		assertThatThrownBy(() -> convert(conversion("morphine", "intrathecal", "morphine", "rectal", "10", "mg/d")))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("route");
		assertThatThrownBy(() -> convert(conversion("morphine", "intrathecal", "morphine", "oral", "10", "mmol/d")))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("mmol/d");
		assertThatThrownBy(() -> convert(conversion("morphine", "intrathecal", "morphine", "oral", "0", "mg/d")))
				.isInstanceOf(InvalidRequestException.class).hasMessageContaining("greater than zero");
		assertThatThrownBy(() -> convert(conversion("morphine", "intrathecal"))).isInstanceOf(InvalidRequestException.class);
	}
}
