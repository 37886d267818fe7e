package org.openimd.server.pump;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;

/**
 * {@code $check-pump-prescription} and {@code $opioid-conversion} from Parameters to Parameters,
 * without a server: input that cannot be read becomes a 400 with an OperationOutcome pointing at it.
 */
public class PumpOperations {

	static final Set<String> ROUTES = Set.of("oral", "iv", "epidural", "intrathecal", "transdermal");

	private final IntrathecalKnowledge myKnowledge;
	private final PumpPrescriptionReader myReader;
	private final PumpPrescriptionCheck myCheck;
	private final OpioidConversion myConversion;

	public PumpOperations(IntrathecalKnowledge theKnowledge, Clock theClock) {
		myKnowledge = theKnowledge;
		myReader = new PumpPrescriptionReader(theKnowledge, theClock);
		myCheck = new PumpPrescriptionCheck(theKnowledge);
		myConversion = new OpioidConversion(theKnowledge);
	}

	public IntrathecalKnowledge knowledge() {
		return myKnowledge;
	}

	public PumpPrescriptionReader reader() {
		return myReader;
	}

	public PumpPrescriptionCheck check() {
		return myCheck;
	}

	public Parameters checkPumpPrescription(Parameters theInput, Function<Reference, Optional<IBaseResource>> theResolver) {
		try {
			PumpPrescription prescription = myReader.read(theInput, theResolver);
			return PumpAnswers.checkAnswer(myCheck.check(prescription), prescription);
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
	}

	public Parameters opioidConversion(Parameters theInput) {
		try {
			List<OpioidConversion.Dose> doses = new ArrayList<>();
			List<ParametersParameterComponent> medications = theInput.getParameters("medication");
			if (medications.isEmpty()) {
				throw new PumpInputException("medication", "at least one medication (code, route, dailyDose) is required");
			}
			for (int i = 0; i < medications.size(); i++) {
				doses.add(dose(medications.get(i), "medication[" + i + "]"));
			}
			Drug target = drug(value(theInput.getParameter(), "targetMedication", CodeableConcept.class, "targetMedication"), "targetMedication");
			String targetRoute = route(value(theInput.getParameter(), "targetRoute", CodeType.class, "targetRoute"), "targetRoute");
			return PumpAnswers.conversionAnswer(myConversion.convert(doses, target, targetRoute));
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
	}

	private OpioidConversion.Dose dose(ParametersParameterComponent theMedication, String theLocation) {
		Drug drug = drug(value(theMedication.getPart(), "code", CodeableConcept.class, theLocation + ".code"), theLocation + ".code");
		String route = route(value(theMedication.getPart(), "route", CodeType.class, theLocation + ".route"), theLocation + ".route");
		Quantity daily = value(theMedication.getPart(), "dailyDose", Quantity.class, theLocation + ".dailyDose");
		String unit = daily.hasCode() ? daily.getCode() : daily.getUnit();
		if (!daily.hasValue() || PumpUnits.dailyMass(daily.getValue(), unit, drug.massUnit(), theLocation + ".dailyDose").signum() <= 0) {
			throw new PumpInputException(theLocation + ".dailyDose", "the daily dose must be greater than zero");
		}
		return new OpioidConversion.Dose(drug, route, daily.getValue(), unit);
	}

	private Drug drug(CodeableConcept theConcept, String theLocation) {
		return myReader.drug(theConcept, theLocation).orElseThrow(() -> new PumpInputException(theLocation, "unknown drug '"
				+ Optional.ofNullable(theConcept.getText()).orElse(theConcept.getCodingFirstRep().getCode()) + "'"));
	}

	private static String route(CodeType theRoute, String theLocation) {
		if (!ROUTES.contains(theRoute.getValue())) {
			throw new PumpInputException(theLocation, "route is one of " + ROUTES + ", not '" + theRoute.getValue() + "'");
		}
		return theRoute.getValue();
	}

	private static <T extends Type> T value(List<ParametersParameterComponent> theParameters, String theName, Class<T> theType, String theLocation) {
		return theParameters.stream().filter(parameter -> theName.equals(parameter.getName())).findFirst()
				.map(ParametersParameterComponent::getValue).filter(theType::isInstance).map(theType::cast)
				.orElseThrow(() -> new PumpInputException(theLocation, theName + " (" + theType.getSimpleName().replace("Type", "") + ") is required"));
	}
}
