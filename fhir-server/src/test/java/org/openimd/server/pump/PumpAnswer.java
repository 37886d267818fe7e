package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;

/** Reads the answer of {@code $check-pump-prescription} or {@code $opioid-conversion} as a caller would. */
record PumpAnswer(Parameters parameters) {

	String status() {
		return parameters.getParameter("status").getValue().primitiveValue();
	}

	OperationOutcome outcome() {
		return (OperationOutcome) parameters.getParameter("outcome").getResource();
	}

	/** The rule IDs of the issues of {@code theSeverity}. */
	List<String> rules(IssueSeverity theSeverity) {
		return outcome().getIssue().stream().filter(issue -> issue.getSeverity() == theSeverity)
				.filter(issue -> issue.getDetails().hasCoding()).map(issue -> issue.getDetails().getCodingFirstRep().getCode()).toList();
	}

	List<String> errors() {
		return rules(IssueSeverity.ERROR);
	}

	List<String> warnings() {
		return rules(IssueSeverity.WARNING);
	}

	int refillIntervalDays() {
		return ((IntegerType) parameters.getParameter("refillIntervalDays").getValue()).getValue();
	}

	List<String> limitingFactors() {
		return parameters.getParameters("limitingFactor").stream().map(parameter -> parameter.getValue().primitiveValue()).toList();
	}

	Quantity quantity(String theName) {
		return (Quantity) parameters.getParameter(theName).getValue();
	}

	BigDecimal dailyVolume() {
		return quantity("dailyVolume").getValue();
	}

	/** The daily dose of the ingredient named {@code theName}, in its unit. */
	Quantity dose(String theName) {
		return parameters.getParameters("ingredientDailyDose").stream()
				.filter(part -> part.getPart().get(0).getValue().castToCodeableConcept(part.getPart().get(0).getValue()).getText().equals(theName))
				.map(part -> (Quantity) part.getPart().get(1).getValue()).findFirst().orElseThrow();
	}

	Optional<ParametersParameterComponent> optimization() {
		return Optional.ofNullable(parameters.getParameter("optimization"));
	}

	ParametersParameterComponent optimizationPart(String theName) {
		return optimization().orElseThrow().getPart().stream().filter(part -> part.getName().equals(theName)).findFirst().orElseThrow();
	}
}
