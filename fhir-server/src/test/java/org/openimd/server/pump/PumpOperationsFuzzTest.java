package org.openimd.server.pump;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;

/**
 * Whatever Parameters a prescriber's system posts to {@code $check-pump-prescription} and
 * {@code $opioid-conversion}, the answer is the checks' verdict or a 400 naming what is wrong, never a
 * 500. The input is built from the fuzzer's bytes out of mostly plausible parts (known drugs, units and
 * pumps beside arbitrary ones, numbers of every sign and scale), so that it reaches the arithmetic.
 */
class PumpOperationsFuzzTest {

	private static final PumpOperations OPERATIONS = new PumpOperations(IntrathecalKnowledge.load(),
			Clock.fixed(Instant.parse("2026-12-05T10:00:00Z"), ZoneOffset.UTC));
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final List<String> DRUGS = List.of("morphine", "hydromorphone", "ziconotide", "baclofen", "bupivacaine", "clonidine", "fentanyl",
			"sufentanil", "sodium chloride", "oxycodone");
	private static final List<String> MASS_UNITS = List.of("mg", "ug", "g", "mL", "mg/mL");
	private static final List<String> RATE_UNITS = List.of("mg/d", "ug/d", "mg/h", "ug/h", "mL/d", "d");
	private static final List<String> PUMPS = List.of("8637-20", "8637-40", "Prometra II", "Prometra");
	private static final List<String> ROUTES = List.of("oral", "iv", "epidural", "intrathecal", "transdermal");

	@FuzzTest(maxDuration = "30s")
	void anyPrescriptionIsCheckedOrRefusedWithAReason(FuzzedDataProvider theData) {
		PumpInput product = PumpInput.of(theData.pickValue(DRUGS), decimal(theData).toPlainString(), theData.pickValue(MASS_UNITS) + "/mL");
		for (int more = theData.consumeInt(0, 2); more > 0; more--) {
			product.ingredient(new CodeableConcept().setText(text(theData, DRUGS)), decimal(theData).toPlainString(), text(theData, MASS_UNITS) + "/mL");
		}
		if (theData.consumeBoolean()) {
			product.basal(decimal(theData).toPlainString(), text(theData, RATE_UNITS));
		}
		if (theData.consumeBoolean()) {
			Dosage bolus = product.request().addDosageInstruction().setAsNeeded(new BooleanType(true));
			bolus.addDoseAndRate().setDose(quantity(theData, MASS_UNITS));
			bolus.setMaxDosePerPeriod(new Ratio().setNumerator(quantity(theData, MASS_UNITS)).setDenominator(quantity(theData, List.of("d", "h"))));
		}
		if (theData.consumeBoolean()) {
			product.requestedDays(theData.consumeInt());
		}
		product.pumpModel(text(theData, PUMPS), decimal(theData).toPlainString());
		Parameters input = product.parameters();
		if (theData.consumeBoolean()) {
			input.addParameter().setName("patientAge").setValue(new IntegerType(theData.consumeInt()));
		}
		if (theData.consumeBoolean()) {
			input.addParameter().setName("previousDailyDose").setValue(quantity(theData, RATE_UNITS));
			input.addParameter().setName("hoursSinceLastIncrease").setValue(new DecimalType(decimal(theData)));
		}
		if (theData.consumeBoolean()) {
			input.addParameter().setName("spasticityOrigin").setValue(new CodeType(text(theData, List.of("spinal", "cerebral"))));
		}
		if (theData.consumeBoolean()) {
			input.addParameter().setName("formulationPh").setValue(new DecimalType(decimal(theData)));
			input.addParameter().setName("lowReservoirAlarmVolume").setValue(quantity(theData, List.of("mL")));
			input.addParameter().setName("daysSinceEri").setValue(new IntegerType(theData.consumeInt()));
		}
		for (String flag : List.of("opioidTolerant", "initiation", "firstFillOfNaivePump", "mriScheduled")) {
			if (theData.consumeBoolean()) {
				input.addParameter().setName(flag).setValue(new BooleanType(theData.consumeBoolean()));
			}
		}
		try {
			Parameters verdict = OPERATIONS.checkPumpPrescription(input, reference -> Optional.empty());
			assertThat(FHIR.newJsonParser().encodeResourceToString(verdict)).isNotEmpty();
		} catch (InvalidRequestException refused) {
			assertThat(refused.getOperationOutcome()).isNotNull();
		}
	}

	@FuzzTest(maxDuration = "30s")
	void anyConversionIsAnsweredOrRefusedWithAReason(FuzzedDataProvider theData) {
		Parameters input = new Parameters();
		for (int medication = theData.consumeInt(0, 3); medication > 0; medication--) {
			ParametersParameterComponent dose = input.addParameter().setName("medication");
			dose.addPart().setName("code").setValue(new CodeableConcept().setText(text(theData, DRUGS)));
			dose.addPart().setName("route").setValue(new CodeType(text(theData, ROUTES)));
			dose.addPart().setName("dailyDose").setValue(quantity(theData, RATE_UNITS));
		}
		input.addParameter().setName("targetMedication").setValue(new CodeableConcept().setText(text(theData, DRUGS)));
		input.addParameter().setName("targetRoute").setValue(new CodeType(text(theData, ROUTES)));
		try {
			Parameters answer = OPERATIONS.opioidConversion(input);
			assertThat(FHIR.newJsonParser().encodeResourceToString(answer)).isNotEmpty();
		} catch (InvalidRequestException refused) {
			assertThat(refused.getOperationOutcome()).isNotNull();
		}
	}

	/** Mostly one of the plausible values, sometimes anything. */
	private static String text(FuzzedDataProvider theData, List<String> thePlausible) {
		return theData.consumeInt(0, 9) > 0 ? theData.pickValue(thePlausible) : theData.consumeString(12);
	}

	private static BigDecimal decimal(FuzzedDataProvider theData) {
		return BigDecimal.valueOf(theData.consumeLong(), theData.consumeInt(-6, 12));
	}

	private static Quantity quantity(FuzzedDataProvider theData, List<String> theUnits) {
		String unit = text(theData, theUnits);
		return new Quantity().setValue(decimal(theData)).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit);
	}
}
