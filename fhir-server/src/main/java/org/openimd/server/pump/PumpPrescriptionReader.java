package org.openimd.server.pump;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.pump.PumpPrescription.Active;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Excipient;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;

/**
 * Reads the input of {@code $check-pump-prescription} (a {@code Parameters} with a MedicationRequest,
 * a pump Device and the optional flags) into a {@link PumpPrescription}. The product is the
 * MedicationRequest's contained Medication; each ingredient is recognised by a verified RxNorm code
 * and always by its name. Whatever cannot be read exactly (a missing strength, an unknown drug, a unit
 * that does not convert, a value that is not positive) is a {@link PumpInputException} naming where.
 */
public class PumpPrescriptionReader {

	private final IntrathecalKnowledge myKnowledge;
	private final Clock myClock;

	public PumpPrescriptionReader(IntrathecalKnowledge theKnowledge, Clock theClock) {
		myKnowledge = theKnowledge;
		myClock = theClock;
	}

	/**
	 * @param theResolver finds the resource a reference names (the pump Device, the subject Patient)
	 *     as the caller may see it
	 */
	public PumpPrescription read(Parameters theInput, Function<Reference, Optional<IBaseResource>> theResolver) {
		MedicationRequest request = resource(theInput, "medicationRequest", MedicationRequest.class, theResolver)
				.orElseThrow(() -> new PumpInputException("medicationRequest", "a medicationRequest (MedicationRequest) is required"));
		Device pump = resource(theInput, "pump", Device.class, theResolver)
				.orElseThrow(() -> new PumpInputException("pump", "a pump (Device, or a reference to one) is required"));
		return read(request, pump, flags(theInput), theResolver);
	}

	/** The optional inputs besides the request and the pump, named as {@code $check-pump-prescription} names them. */
	public record Flags(Optional<Integer> patientAge, boolean opioidTolerant, boolean initiation, boolean firstFillOfNaivePump,
			Optional<Integer> daysSinceEri, Optional<CodeableConcept> referenceIngredient, Optional<Quantity> lowReservoirAlarmVolume,
			Optional<Quantity> previousDailyDose, Optional<BigDecimal> hoursSinceLastIncrease, Optional<String> spasticityOrigin,
			boolean mriScheduled, Optional<BigDecimal> formulationPh) {

		public static final Flags NONE = new Flags(Optional.empty(), true, false, false, Optional.empty(), Optional.empty(), Optional.empty(),
				Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty());

		/** These flags with the dose of the order's version before and the hours since it was set. */
		public Flags withPrevious(Optional<Quantity> theDailyDose, Optional<BigDecimal> theHoursSince) {
			return new Flags(patientAge, opioidTolerant, initiation, firstFillOfNaivePump, daysSinceEri, referenceIngredient,
					lowReservoirAlarmVolume, theDailyDose, theHoursSince, spasticityOrigin, mriScheduled, formulationPh);
		}

		/** These flags with what the pump last reported, where they do not say it themselves: days at ERI, the programmed alarm volume. */
		public Flags withPumpState(Optional<Integer> theDaysSinceEri, Optional<Quantity> theAlarmVolume) {
			return new Flags(patientAge, opioidTolerant, initiation, firstFillOfNaivePump, daysSinceEri.or(() -> theDaysSinceEri),
					referenceIngredient, lowReservoirAlarmVolume.or(() -> theAlarmVolume), previousDailyDose, hoursSinceLastIncrease,
					spasticityOrigin, mriScheduled, formulationPh);
		}
	}

	Flags flags(Parameters theInput) {
		Optional<Integer> age = value(theInput, "patientAge", IntegerType.class).map(IntegerType::getValue);
		age.filter(years -> years < 0).ifPresent(years -> {
			throw new PumpInputException("patientAge", "patientAge must not be negative");
		});
		Optional<Integer> eri = value(theInput, "daysSinceEri", IntegerType.class).map(IntegerType::getValue);
		eri.filter(days -> days < 0).ifPresent(days -> {
			throw new PumpInputException("daysSinceEri", "daysSinceEri must not be negative");
		});
		Optional<BigDecimal> hours = value(theInput, "hoursSinceLastIncrease", DecimalType.class).map(DecimalType::getValue);
		hours.filter(value -> value.signum() < 0).ifPresent(value -> {
			throw new PumpInputException("hoursSinceLastIncrease", "hoursSinceLastIncrease must not be negative");
		});
		Optional<String> origin = value(theInput, "spasticityOrigin", CodeType.class).map(CodeType::getValue);
		origin.filter(code -> !code.equals("spinal") && !code.equals("cerebral")).ifPresent(code -> {
			throw new PumpInputException("spasticityOrigin", "spasticityOrigin is spinal or cerebral, not '" + code + "'");
		});
		return new Flags(age, flag(theInput, "opioidTolerant", true), flag(theInput, "initiation", false),
				flag(theInput, "firstFillOfNaivePump", false), eri, value(theInput, "referenceIngredient", CodeableConcept.class),
				value(theInput, "lowReservoirAlarmVolume", Quantity.class), value(theInput, "previousDailyDose", Quantity.class), hours, origin,
				flag(theInput, "mriScheduled", false), value(theInput, "formulationPh", DecimalType.class).map(DecimalType::getValue));
	}

	/** A prescription from a MedicationRequest, its pump and the flags, as the create/update guard and the operation both read it. */
	public PumpPrescription read(MedicationRequest theRequest, Device thePump, Flags theFlags,
			Function<Reference, Optional<IBaseResource>> theResolver) {
		Medication medication = medication(theRequest);
		List<Active> actives = new ArrayList<>();
		List<Excipient> inactives = new ArrayList<>();
		for (int i = 0; i < medication.getIngredient().size(); i++) {
			Medication.MedicationIngredientComponent ingredient = medication.getIngredient().get(i);
			String location = "MedicationRequest.contained.ingredient[" + i + "]";
			if (!ingredient.hasItemCodeableConcept()) {
				throw new PumpInputException(location, "each ingredient needs an itemCodeableConcept (RxNorm code and/or name)");
			}
			CodeableConcept item = ingredient.getItemCodeableConcept();
			Optional<Drug> drug = drug(item, location);
			Optional<Excipient> excipient = excipient(item, location);
			if (drug.isPresent() && excipient.isPresent()) {
				throw new PumpInputException(location, "the code and names of the ingredient name " + drug.get().display() + " and "
						+ excipient.get().names().get(0));
			}
			boolean markedInactive = ingredient.hasIsActive() && !ingredient.getIsActive();
			if (drug.isPresent() && !markedInactive) {
				actives.add(new Active(drug.get(), concentration(ingredient, drug.get(), location), location));
			} else if (excipient.isPresent()) {
				inactives.add(excipient.get());
			} else if (drug.isPresent()) {
				throw new PumpInputException(location, drug.get().display() + " is an active drug but is marked isActive=false");
			} else {
				throw new PumpInputException(location, (markedInactive ? "unrecognised inactive ingredient '" : "unknown drug '")
						+ String.join("' / '", names(item)) + "'");
			}
		}
		if (actives.isEmpty()) {
			throw new PumpInputException("MedicationRequest.contained.ingredient", "the Medication has no active ingredient");
		}
		Active reference = theFlags.referenceIngredient().map(concept -> {
			Drug drug = drug(concept, "referenceIngredient").orElseThrow(() -> new PumpInputException("referenceIngredient", "unknown drug"));
			return actives.stream().filter(active -> active.drug().equals(drug)).findFirst().orElseThrow(() -> new PumpInputException(
					"referenceIngredient", drug.display() + " is not an active ingredient of the Medication"));
		}).orElse(actives.get(0));
		String unit = reference.drug().massUnit();

		Dosage basal = theRequest.getDosageInstruction().stream().filter(dosage -> !asNeeded(dosage)).findFirst()
				.orElseThrow(() -> new PumpInputException("MedicationRequest.dosageInstruction", "the basal dose (a dosageInstruction "
						+ "with doseAndRate.rateQuantity) is required"));
		ExactRatio basalDose = positive(rate(basal, unit), "MedicationRequest.dosageInstruction[0].doseAndRate[0].rate");
		Optional<Dosage> bolus = theRequest.getDosageInstruction().stream().filter(PumpPrescriptionReader::asNeeded).findFirst();
		Optional<ExactRatio> bolusDose = bolus.map(dosage -> bolusDose(dosage, unit));
		ExactRatio bolusPerDay = bolus.map(dosage -> maxDailyBolus(dosage, unit)).orElse(ExactRatio.of(BigDecimal.ZERO));

		PumpModel model = pumpModel(thePump);
		ExactRatio reservoir = reservoirVolume(thePump);
		if (reservoir.isAbove(model.reservoirMl())) {
			throw new PumpInputException("pump.property", "the reservoir volume " + reservoir.toDecimal().toPlainString() + " mL exceeds the "
					+ model.reservoirMl().toPlainString() + " mL reservoir of " + model.model() + " " + model.modelNumber());
		}
		Optional<ExactRatio> alarm = theFlags.lowReservoirAlarmVolume()
				.map(quantity -> positive(PumpUnits.volume(quantity.getValue(), unitOf(quantity), "lowReservoirAlarmVolume"), "lowReservoirAlarmVolume"));
		Optional<ExactRatio> previous = theFlags.previousDailyDose().map(quantity -> PumpUnits.dailyMass(required(quantity, "previousDailyDose"),
				unitOf(quantity), unit, "previousDailyDose"));
		return new PumpPrescription(List.copyOf(actives), List.copyOf(inactives), theFlags.formulationPh(), reference, basalDose, bolusPerDay,
				bolusDose, model, reservoir, alarm, requestedInterval(theRequest), age(theFlags, theRequest, theResolver),
				theFlags.opioidTolerant(), theFlags.initiation(), theFlags.firstFillOfNaivePump(), theFlags.daysSinceEri(), previous,
				theFlags.hoursSinceLastIncrease(), theFlags.spasticityOrigin(), theFlags.mriScheduled());
	}

	/** The drug an ingredient names: by a verified RxNorm code, and by name; the two must agree. */
	Optional<Drug> drug(CodeableConcept theItem, String theLocation) {
		Optional<Drug> byCode = Optional.empty();
		for (Coding coding : theItem.getCoding()) {
			if (OpenImdUris.RXNORM.equals(coding.getSystem()) && coding.hasCode() && myKnowledge.excipientByRxNorm(coding.getCode()).isEmpty()) {
				Optional<Drug> found = myKnowledge.drugByRxNorm(coding.getCode());
				if (found.isEmpty() && names(theItem).stream().allMatch(name -> myKnowledge.drugByName(name).isEmpty()
						&& myKnowledge.excipientByName(name).isEmpty())) {
					throw new PumpInputException(theLocation, "unknown drug: RxNorm " + coding.getCode() + " is not in the intrathecal catalogue"
							+ " and no name given identifies a drug");
				}
				byCode = byCode.or(() -> found);
			}
		}
		List<Drug> byName = names(theItem).stream().flatMap(name -> myKnowledge.drugByName(name).stream()).distinct().toList();
		if (byName.size() > 1 || byCode.isPresent() && byName.size() == 1 && !byName.get(0).equals(byCode.get())) {
			throw new PumpInputException(theLocation, "the code and names of the ingredient name different drugs");
		}
		return byCode.or(() -> byName.stream().findFirst());
	}

	/** The inactive ingredient an ingredient names: by an RxNorm code of it or of a saline product, and by name; the two must agree. */
	private Optional<Excipient> excipient(CodeableConcept theItem, String theLocation) {
		List<Excipient> named = new ArrayList<>();
		theItem.getCoding().stream().filter(coding -> OpenImdUris.RXNORM.equals(coding.getSystem()) && coding.hasCode())
				.flatMap(coding -> myKnowledge.excipientByRxNorm(coding.getCode()).stream()).forEach(named::add);
		names(theItem).stream().flatMap(name -> myKnowledge.excipientByName(name).stream()).forEach(named::add);
		if (named.stream().distinct().count() > 1) {
			throw new PumpInputException(theLocation, "the code and names of the ingredient name different inactive ingredients");
		}
		return named.stream().findFirst();
	}

	private static List<String> names(CodeableConcept theItem) {
		List<String> names = new ArrayList<>();
		if (theItem.hasText()) {
			names.add(theItem.getText());
		}
		theItem.getCoding().stream().filter(Coding::hasDisplay).forEach(coding -> names.add(coding.getDisplay()));
		return names;
	}

	private static Medication medication(MedicationRequest theRequest) {
		if (!theRequest.hasMedicationReference() || !theRequest.getMedicationReference().getReference().startsWith("#")) {
			throw new PumpInputException("MedicationRequest.medication", "the product must be a contained Medication (medicationReference "
					+ "'#id') whose ingredients carry their strengths");
		}
		String id = theRequest.getMedicationReference().getReference().substring(1);
		return theRequest.getContained().stream().filter(Medication.class::isInstance).map(Medication.class::cast)
				.filter(medication -> id.equals(medication.getIdElement().getIdPart()) || ("#" + id).equals(medication.getId()))
				.findFirst().orElseThrow(() -> new PumpInputException("MedicationRequest.medication", "no contained Medication with id " + id));
	}

	private static ExactRatio concentration(Medication.MedicationIngredientComponent theIngredient, Drug theDrug, String theLocation) {
		String location = theLocation + ".strength";
		if (!theIngredient.hasStrength() || !theIngredient.getStrength().hasNumerator() || !theIngredient.getStrength().hasDenominator()) {
			throw new PumpInputException(location, theDrug.display() + " has no strength (a Ratio such as 10 mg / 1 mL)");
		}
		Ratio strength = theIngredient.getStrength();
		ExactRatio mass = positive(PumpUnits.mass(required(strength.getNumerator(), location), unitOf(strength.getNumerator()),
				theDrug.massUnit(), location), location);
		ExactRatio volume = positive(PumpUnits.volume(required(strength.getDenominator(), location), unitOf(strength.getDenominator()),
				location), location);
		return mass.dividedBy(volume);
	}

	private static boolean asNeeded(Dosage theDosage) {
		return theDosage.hasAsNeededBooleanType() && theDosage.getAsNeededBooleanType().booleanValue() || theDosage.hasAsNeededCodeableConcept();
	}

	/** The basal rate as mass per day: a rateQuantity (mg/d, ug/h) or a rateRatio (2 mg / 1 d). */
	private static ExactRatio rate(Dosage theDosage, String theMassUnit) {
		String location = "MedicationRequest.dosageInstruction.doseAndRate.rate";
		if (!theDosage.hasDoseAndRate() || !theDosage.getDoseAndRateFirstRep().hasRate()) {
			throw new PumpInputException(location, "the basal dosageInstruction needs doseAndRate.rateQuantity (mg/d or ug/d)");
		}
		Type rate = theDosage.getDoseAndRateFirstRep().getRate();
		if (rate instanceof Quantity quantity) {
			return PumpUnits.dailyMass(required(quantity, location), unitOf(quantity), theMassUnit, location);
		}
		return perDay((Ratio) rate, theMassUnit, location);
	}

	private static ExactRatio bolusDose(Dosage theBolus, String theMassUnit) {
		String location = "MedicationRequest.dosageInstruction[asNeeded].doseAndRate.doseQuantity";
		if (!theBolus.hasDoseAndRate() || !theBolus.getDoseAndRateFirstRep().hasDoseQuantity()) {
			throw new PumpInputException(location, "a bolus dosageInstruction needs doseAndRate.doseQuantity");
		}
		Quantity dose = theBolus.getDoseAndRateFirstRep().getDoseQuantity();
		return positive(PumpUnits.mass(required(dose, location), unitOf(dose), theMassUnit, location), location);
	}

	private static ExactRatio maxDailyBolus(Dosage theBolus, String theMassUnit) {
		String location = "MedicationRequest.dosageInstruction[asNeeded]";
		if (!theBolus.hasMaxDosePerPeriod()) {
			throw new PumpInputException(location + ".maxDosePerPeriod", "boluses need maxDosePerPeriod (the most per day, such as 0.4 mg / 1 d)"
					+ " to compute the daily volume");
		}
		return positive(perDay(theBolus.getMaxDosePerPeriod(), theMassUnit, location + ".maxDosePerPeriod"), location + ".maxDosePerPeriod");
	}

	private static ExactRatio perDay(Ratio theRatio, String theMassUnit, String theLocation) {
		ExactRatio mass = PumpUnits.mass(required(theRatio.getNumerator(), theLocation), unitOf(theRatio.getNumerator()), theMassUnit, theLocation);
		ExactRatio days = positive(PumpUnits.days(required(theRatio.getDenominator(), theLocation), unitOf(theRatio.getDenominator()),
				theLocation), theLocation);
		return mass.dividedBy(days);
	}

	/** The pump model a Device names (model number first, then model name), when OpenIMD knows it. */
	Optional<PumpModel> knownModel(Device thePump) {
		return myKnowledge.pumpModel(thePump);
	}

	private PumpModel pumpModel(Device thePump) {
		return knownModel(thePump).orElseThrow(() -> new PumpInputException("pump", "unknown pump model "
				+ (thePump.hasModelNumber() ? thePump.getModelNumber() + " " : "")
				+ thePump.getDeviceName().stream().map(Device.DeviceDeviceNameComponent::getName).toList() + "; known: "
				+ myKnowledge.pumpModels().stream().map(model -> model.model() + " (" + model.modelNumber() + ")").toList()));
	}


	/** The volume in the reservoir: the property typed {@code reservoir-volume}, else the only property in mL. */
	private static ExactRatio reservoirVolume(Device thePump) {
		List<Device.DevicePropertyComponent> typed = thePump.getProperty().stream()
				.filter(property -> property.getType().hasCoding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME)).toList();
		List<Device.DevicePropertyComponent> candidates = typed.isEmpty()
				? thePump.getProperty().stream().filter(property -> property.getValueQuantity().stream().anyMatch(q -> "mL".equals(unitOf(q)))).toList()
				: typed;
		if (candidates.size() != 1 || candidates.get(0).getValueQuantity().size() != 1) {
			throw new PumpInputException("pump.property", "the pump needs exactly one reservoir volume: a Device.property (type "
					+ OpenImdUris.PUMP_PROPERTY_SYSTEM + "|" + OpenImdUris.PUMP_RESERVOIR_VOLUME + ") with a valueQuantity in mL");
		}
		Quantity volume = candidates.get(0).getValueQuantityFirstRep();
		return positive(PumpUnits.volume(required(volume, "pump.property"), unitOf(volume), "pump.property"), "pump.property");
	}

	private static Optional<BigDecimal> requestedInterval(MedicationRequest theRequest) {
		if (!theRequest.getDispenseRequest().hasExpectedSupplyDuration()) {
			return Optional.empty();
		}
		String location = "MedicationRequest.dispenseRequest.expectedSupplyDuration";
		Duration duration = theRequest.getDispenseRequest().getExpectedSupplyDuration();
		return Optional.of(positive(PumpUnits.days(required(duration, location), unitOf(duration), location), location).toDecimal());
	}

	private Optional<Integer> age(Flags theFlags, MedicationRequest theRequest, Function<Reference, Optional<IBaseResource>> theResolver) {
		if (theFlags.patientAge().isPresent() || !theRequest.hasSubject()) {
			return theFlags.patientAge();
		}
		return theResolver.apply(theRequest.getSubject()).filter(Patient.class::isInstance).map(Patient.class::cast)
				.filter(Patient::hasBirthDate)
				.map(patient -> Period.between(patient.getBirthDateElement().getValueAsCalendar().toZonedDateTime().toLocalDate(),
						LocalDate.now(myClock.withZone(ZoneId.systemDefault()))).getYears());
	}

	private static <T extends Resource> Optional<T> resource(Parameters theInput, String theName, Class<T> theType,
			Function<Reference, Optional<IBaseResource>> theResolver) {
		ParametersParameterComponent parameter = theInput.getParameter(theName);
		if (parameter == null) {
			return Optional.empty();
		}
		IBaseResource found = parameter.hasResource()
				? parameter.getResource()
				: parameter.getValue() instanceof Reference reference
						? theResolver.apply(reference).orElseThrow(() -> new PumpInputException(theName, "cannot read " + reference.getReference()))
						: null;
		if (!theType.isInstance(found)) {
			throw new PumpInputException(theName, theName + " must be a " + theType.getSimpleName() + (theName.equals("pump") ? " or a reference to one" : ""));
		}
		return Optional.of(theType.cast(found));
	}

	private static <T extends Type> Optional<T> value(Parameters theInput, String theName, Class<T> theType) {
		ParametersParameterComponent parameter = theInput.getParameter(theName);
		if (parameter == null) {
			return Optional.empty();
		}
		if (!theType.isInstance(parameter.getValue())) {
			throw new PumpInputException(theName, theName + " must be a " + theType.getSimpleName().replace("Type", ""));
		}
		return Optional.of(theType.cast(parameter.getValue()));
	}

	private static boolean flag(Parameters theInput, String theName, boolean theDefault) {
		return value(theInput, theName, BooleanType.class).map(BooleanType::booleanValue).orElse(theDefault);
	}

	private static String unitOf(Quantity theQuantity) {
		return theQuantity.hasCode() ? theQuantity.getCode() : theQuantity.getUnit();
	}

	private static BigDecimal required(Quantity theQuantity, String theLocation) {
		if (!theQuantity.hasValue()) {
			throw new PumpInputException(theLocation, "a value is required");
		}
		return theQuantity.getValue();
	}

	private static ExactRatio positive(ExactRatio theValue, String theLocation) {
		if (theValue.signum() <= 0) {
			throw new PumpInputException(theLocation, "the value must be greater than zero");
		}
		return theValue;
	}
}
