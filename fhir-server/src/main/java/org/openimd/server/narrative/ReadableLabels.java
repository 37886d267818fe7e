package org.openimd.server.narrative;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.SampledData;
import org.openimd.terminology.IdcoTerm;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.thymeleaf.context.ITemplateContext;
import org.thymeleaf.messageresolver.IMessageResolver;

/**
 * What the narrative templates print for codes and values, as Thymeleaf messages:
 * {@code #{label(${codeOrComponent})}} is a code's readable label (an IDCO term's, else the coding's
 * display, else the code), {@code #{value(${anyValue})}} a value with its unit, and
 * {@code #{medication(${request})}} what a prescription's medication is, contained or referenced, and
 * {@code #{dosage(${dosage})}} its rates or doses.
 */
final class ReadableLabels implements IMessageResolver {

	private final IdcoTermTable myTerms;

	ReadableLabels(IdcoTermTable theTerms) {
		myTerms = theTerms;
	}

	@Override
	public String getName() {
		return "openimd-readable-labels";
	}

	@Override
	public Integer getOrder() {
		return 0;
	}

	@Override
	public String resolveMessage(ITemplateContext theContext, Class<?> theOrigin, String theKey, Object[] theParameters) {
		Object argument = theParameters == null || theParameters.length == 0 ? null : theParameters[0];
		return switch (theKey) {
			case "label" -> label(argument);
			case "value" -> value(argument);
			case "medication" -> argument instanceof MedicationRequest request ? medication(request) : "";
			case "dosage" -> argument instanceof Dosage dosage ? dosage(dosage) : "";
			default -> null;
		};
	}

	@Override
	public String createAbsentMessageRepresentation(ITemplateContext theContext, Class<?> theOrigin, String theKey, Object[] theParameters) {
		return theKey;
	}

	String label(Object theCode) {
		if (theCode instanceof Observation.ObservationComponentComponent component) {
			Extension instance = component.getExtensionByUrl(OpenImdUris.IDCO_INSTANCE_EXTENSION);
			return label(component.getCode()) + (instance != null && instance.getValue() instanceof IntegerType number
					? " (" + number.getValue() + ")" : "");
		}
		if (theCode instanceof CodeableConcept concept) {
			// an IDCO concept's text is its reference ID; anyone else's text is what a person wrote
			return concept.getCoding().stream().map(this::idcoLabel).flatMap(Optional::stream).findFirst()
					.orElseGet(() -> writtenText(concept).orElseGet(() -> concept.getCoding().stream().map(this::label)
							.filter(label -> !label.isEmpty()).findFirst().orElse("")));
		}
		if (theCode instanceof Coding coding) {
			return idcoLabel(coding).orElse(coding.hasDisplay() ? coding.getDisplay() : coding.hasCode() ? coding.getCode() : "");
		}
		return "";
	}

	/** What a person wrote as the concept's text; an IDCO reference ID there (the mapper's session type) is no writing. */
	private Optional<String> writtenText(CodeableConcept theConcept) {
		return theConcept.hasText() && myTerms.byReferenceId(theConcept.getText()).isEmpty() ? Optional.of(theConcept.getText()) : Optional.empty();
	}

	private Optional<String> idcoLabel(Coding theCoding) {
		return Mdc.SYSTEM.equals(theCoding.getSystem()) ? myTerms.byCode(theCoding.getCode()).map(IdcoTerm::label) : Optional.empty();
	}

	String value(Object theValue) {
		if (theValue instanceof Quantity quantity) {
			String comparator = quantity.hasComparator() ? quantity.getComparator().toCode() : "";
			String unit = quantity.hasUnit() ? quantity.getUnit() : quantity.hasCode() ? quantity.getCode() : "";
			return (comparator + (quantity.hasValue() ? quantity.getValue().toPlainString() : "") + " " + unit).strip();
		}
		if (theValue instanceof CodeableConcept || theValue instanceof Coding) {
			return label(theValue);
		}
		if (theValue instanceof BooleanType yesOrNo) {
			return yesOrNo.hasValue() ? (yesOrNo.booleanValue() ? "yes" : "no") : "";
		}
		if (theValue instanceof PrimitiveType<?> primitive) {
			return primitive.hasValue() ? primitive.getValueAsString() : "";
		}
		if (theValue instanceof Ratio ratio) {
			return value(ratio.getNumerator()) + " / " + value(ratio.getDenominator());
		}
		if (theValue instanceof Range range) {
			return value(range.getLow()) + " – " + value(range.getHigh());
		}
		if (theValue instanceof Period period) {
			return value(period.getStartElement()) + " – " + value(period.getEndElement());
		}
		if (theValue instanceof Reference reference) {
			return reference.hasDisplay() ? reference.getDisplay() : reference.getReference();
		}
		if (theValue instanceof SampledData samples) {
			return sampledData(samples);
		}
		return "";
	}

	/** A recording's size, never its samples: "3600 samples, one every 2.78 ms, in mV". */
	private static String sampledData(SampledData theSamples) {
		String data = theSamples.hasData() ? theSamples.getData().strip() : "";
		long count = data.isEmpty() ? 0 : data.split("\\s+").length;
		String unit = theSamples.getOrigin().hasUnit() ? theSamples.getOrigin().getUnit() : theSamples.getOrigin().getCode();
		return count + " samples, one every " + theSamples.getPeriod().stripTrailingZeros().toPlainString() + " ms"
				+ (unit == null ? "" : ", in " + unit);
	}

	private String medication(MedicationRequest theRequest) {
		if (theRequest.hasMedicationCodeableConcept()) {
			return label(theRequest.getMedicationCodeableConcept());
		}
		Reference reference = theRequest.getMedicationReference();
		for (Resource contained : theRequest.getContained()) {
			if (contained instanceof Medication medication && ("#" + contained.getIdPart()).equals(reference.getReference())) {
				return medication(medication);
			}
		}
		return value(reference);
	}

	/** Each ingredient with its strength: "preservative-free morphine 10 mg / 1 mL". */
	private String medication(Medication theMedication) {
		if (!theMedication.hasIngredient()) {
			return label(theMedication.getCode());
		}
		List<String> ingredients = theMedication.getIngredient().stream()
				.map(ingredient -> (ingredient.hasItemCodeableConcept() ? label(ingredient.getItemCodeableConcept()) : value(ingredient.getItem()))
						+ (ingredient.hasStrength() ? " " + value(ingredient.getStrength()) : ""))
				.toList();
		return String.join(", ", ingredients);
	}

	/** A dosage's rates and doses: "0.5 mg/d". */
	private String dosage(Dosage theDosage) {
		return theDosage.getDoseAndRate().stream()
				.map(doseAndRate -> doseAndRate.hasRate() ? value(doseAndRate.getRate()) : value(doseAndRate.getDose()))
				.filter(text -> !text.isEmpty()).collect(Collectors.joining(", "));
	}
}
