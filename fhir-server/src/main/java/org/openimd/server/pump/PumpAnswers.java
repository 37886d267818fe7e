package org.openimd.server.pump;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/** The FHIR shapes of the pump checks' answers: the operations' Parameters and the OperationOutcome of findings. */
public final class PumpAnswers {

	private PumpAnswers() {}

	/** The answer of {@code $check-pump-prescription}. */
	public static Parameters checkAnswer(PumpPrescriptionCheck.Result theResult, PumpPrescription thePrescription) {
		Parameters answer = new Parameters();
		answer.addParameter().setName("status").setValue(new CodeType(theResult.status().name()));
		answer.addParameter().setName("outcome").setResource(outcome(theResult.findings(), thePrescription));
		answer.addParameter().setName("dailyVolume").setValue(quantity(theResult.dailyVolume().toDecimal(), "mL/d"));
		answer.addParameter().setName("refillIntervalDays").setValue(new IntegerType(theResult.refillIntervalDays()));
		theResult.limitingFactors().forEach(factor -> answer.addParameter().setName("limitingFactor").setValue(new CodeType(factor.code())));
		for (Map.Entry<Drug, ExactRatio> dose : theResult.ingredientDailyDoses().entrySet()) {
			ParametersParameterComponent part = answer.addParameter().setName("ingredientDailyDose");
			part.addPart().setName("ingredient").setValue(concept(dose.getKey()));
			part.addPart().setName("dose").setValue(quantity(dose.getValue().toDecimal(), dose.getKey().massUnit() + "/d"));
		}
		theResult.optimization().ifPresent(optimization -> {
			ParametersParameterComponent part = answer.addParameter().setName("optimization");
			part.addPart().setName("targetReachable").setValue(new BooleanType(optimization.targetReachable()));
			part.addPart().setName("recommendedConcentration")
					.setValue(quantity(optimization.recommendedConcentration().toDecimal(), optimization.unit()));
			part.addPart().setName("maxFeasibleIntervalDays").setValue(new IntegerType(optimization.maxFeasibleIntervalDays()));
		});
		answer.addParameter().setName("knowledgeVersion").setValue(new StringType(theResult.knowledgeVersion()));
		return answer;
	}

	/** The answer of {@code $opioid-conversion}. */
	public static Parameters conversionAnswer(OpioidConversion.Result theResult) {
		Parameters answer = new Parameters();
		answer.addParameter().setName("status").setValue(new CodeType(theResult.status().name()));
		theResult.equivalentDailyDose().ifPresent(dose -> answer.addParameter().setName("equivalentDailyDose").setValue(quantity(dose, theResult.unit())));
		theResult.suggestedStartDailyDose()
				.ifPresent(dose -> answer.addParameter().setName("suggestedStartDailyDose").setValue(quantity(dose, theResult.unit())));
		OperationOutcome outcome = outcome(theResult.findings(), null);
		theResult.unsupported().ifPresent(reason -> outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.NOTSUPPORTED)
				.setDiagnostics(reason));
		answer.addParameter().setName("outcome").setResource(outcome);
		return answer;
	}

	/**
	 * One issue per finding: {@code error} for a REJECT rule, {@code warning} for a WARN rule, the rule
	 * ID in {@code details.coding}, and, for a finding about one ingredient, where it is in the input.
	 */
	public static OperationOutcome outcome(List<Finding> theFindings, PumpPrescription thePrescription) {
		OperationOutcome outcome = new OperationOutcome();
		for (Finding finding : theFindings) {
			OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
					.setSeverity(severity(finding.severity()))
					.setCode(finding.severity() == Severity.INFO ? IssueType.INFORMATIONAL : IssueType.BUSINESSRULE);
			issue.getDetails().addCoding(new Coding(OpenImdUris.INTRATHECAL_RULE_SYSTEM, finding.rule(), null));
			issue.getDetails().setText(finding.message());
			finding.ingredient().flatMap(drug -> location(drug, thePrescription)).ifPresent(issue::addExpression);
		}
		if (theFindings.isEmpty()) {
			outcome.addIssue().setSeverity(IssueSeverity.INFORMATION).setCode(IssueType.INFORMATIONAL).setDiagnostics("every check passed");
		}
		return outcome;
	}

	/** A 400 for input the checks cannot read, pointing at the element in question. */
	public static InvalidRequestException invalid(PumpInputException theProblem) {
		OperationOutcome outcome = new OperationOutcome();
		outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(IssueType.INVALID).setDiagnostics(theProblem.getMessage())
				.addExpression(theProblem.location());
		return new InvalidRequestException(theProblem.getMessage(), outcome);
	}

	/** The drug as a CodeableConcept: its verified RxNorm code, if any, and its name. */
	public static CodeableConcept concept(Drug theDrug) {
		CodeableConcept concept = new CodeableConcept().setText(theDrug.display());
		theDrug.rxnorm().ifPresent(code -> concept.addCoding(new Coding(OpenImdUris.RXNORM, code, theDrug.display())));
		return concept;
	}

	static Quantity quantity(BigDecimal theValue, String theUcum) {
		return new Quantity().setValue(theValue).setUnit(theUcum).setSystem(OpenImdUris.UCUM).setCode(theUcum);
	}

	private static Optional<String> location(Drug theDrug, PumpPrescription thePrescription) {
		return thePrescription == null
				? Optional.empty()
				: thePrescription.actives().stream().filter(active -> active.drug().equals(theDrug)).map(PumpPrescription.Active::location).findFirst();
	}

	private static IssueSeverity severity(Severity theSeverity) {
		return switch (theSeverity) {
			case REJECT -> IssueSeverity.ERROR;
			case WARN -> IssueSeverity.WARNING;
			case INFO -> IssueSeverity.INFORMATION;
		};
	}
}
