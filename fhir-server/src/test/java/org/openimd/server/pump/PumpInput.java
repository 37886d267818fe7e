package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.Date;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Duration;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.OpenImdUris;

/** Builds the input of {@code $check-pump-prescription} as a prescriber's system would send it, and stored pump orders. */
public final class PumpInput {

	static final CodeableConcept INTRATHECAL = new CodeableConcept(new Coding(OpenImdUris.SNOMED_CT, OpenImdUris.INTRATHECAL_ROUTE,
			"Intrathecal route"));

	private final Medication myMedication = new Medication();
	private final MedicationRequest myRequest = new MedicationRequest();
	private final Parameters myFlags = new Parameters();
	private Device myPump = pump("8637-20", "20");

	private PumpInput() {
		myMedication.setId("product");
		myRequest.setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE).setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
		myRequest.setSubject(new Reference("Patient/p1"));
		myRequest.setMedication(new Reference("#product"));
		myRequest.getContained().add(myMedication);
	}

	/** A product whose first active ingredient is {@code theName} at {@code theStrength theUnit} per 1 mL. */
	public static PumpInput of(String theName, String theStrength, String theUnit) {
		return new PumpInput().and(theName, theStrength, theUnit);
	}

	PumpInput and(String theName, String theStrength, String theUnit) {
		return ingredient(new CodeableConcept().setText(theName), theStrength, theUnit);
	}

	/** An active ingredient at {@code theStrength theUnit} ({@code mg/mL}), sent as the Ratio {@code theStrength mg / 1 mL}. */
	PumpInput ingredient(CodeableConcept theItem, String theStrength, String theUnit) {
		String[] perVolume = theUnit.split("/");
		myMedication.addIngredient().setItem(theItem).setIsActive(true)
				.setStrength(new Ratio().setNumerator(ucum(theStrength, perVolume[0])).setDenominator(ucum("1", perVolume[1])));
		return this;
	}

	PumpInput inactive(String theName) {
		return inactive(new CodeableConcept().setText(theName));
	}

	PumpInput inactive(CodeableConcept theItem) {
		myMedication.addIngredient().setItem(theItem).setIsActive(false);
		return this;
	}

	public PumpInput basal(String theValue, String theUnit) {
		Dosage basal = new Dosage().setText("basal");
		basal.addDoseAndRate().setRate(ucum(theValue, theUnit));
		myRequest.getDosageInstruction().add(0, basal);
		return this;
	}

	/** Patient-activated boluses of {@code theDose} each, at most {@code theMaxPerDay} (same unit) a day. */
	PumpInput bolus(String theDose, String theMaxPerDay, String theUnit) {
		Dosage bolus = myRequest.addDosageInstruction().setText("bolus").setAsNeeded(new BooleanType(true));
		bolus.addDoseAndRate().setDose(ucum(theDose, theUnit));
		bolus.setMaxDosePerPeriod(new Ratio().setNumerator(ucum(theMaxPerDay, theUnit)).setDenominator(ucum("1", "d")));
		return this;
	}

	PumpInput pumpModel(String theModel, String theReservoirMl) {
		myPump = pump(theModel, theReservoirMl);
		return this;
	}

	PumpInput requestedDays(int theDays) {
		Duration duration = new Duration();
		duration.setValue(theDays).setUnit("d").setSystem(OpenImdUris.UCUM).setCode("d");
		myRequest.getDispenseRequest().setExpectedSupplyDuration(duration);
		return this;
	}

	PumpInput flag(String theName, Type theValue) {
		myFlags.addParameter().setName(theName).setValue(theValue);
		return this;
	}

	PumpInput age(int theYears) {
		return flag("patientAge", new IntegerType(theYears));
	}

	PumpInput initiation() {
		return flag("initiation", new BooleanType(true));
	}

	PumpInput firstFill() {
		return flag("firstFillOfNaivePump", new BooleanType(true));
	}

	PumpInput opioidNaive() {
		return flag("opioidTolerant", new BooleanType(false));
	}

	PumpInput previous(String theDailyDose, String theUnit, String theHoursAgo) {
		flag("previousDailyDose", ucum(theDailyDose, theUnit));
		return theHoursAgo == null ? this : flag("hoursSinceLastIncrease", new DecimalType(theHoursAgo));
	}

	PumpInput origin(String theOrigin) {
		return flag("spasticityOrigin", new CodeType(theOrigin));
	}

	MedicationRequest request() {
		return myRequest;
	}

	/** The order as a prescriber's system stores it: for {@code thePatient}, by the intrathecal route, {@code thePump} in supportingInformation. */
	public MedicationRequest order(String thePatient, String thePump) {
		MedicationRequest order = myRequest.copy();
		order.setSubject(new Reference("Patient/" + thePatient));
		order.addIdentifier(BaseServerIT.uniqueIdentifier());
		order.addSupportingInformation(new Reference("Device/" + thePump));
		order.getDosageInstruction().forEach(dosage -> dosage.setRoute(INTRATHECAL));
		return order;
	}

	/** A pump's status as its programmer reads it out: 18 mL left at 0.2 mL/d, and {@code theAlarm}. */
	public static Observation statusReading(String thePatient, String thePump, String theAlarm) {
		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(thePatient))
				.setDevice(new Reference(thePump)).setEffective(new DateTimeType(new Date()));
		reading.getCode().addCoding(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, OpenImdUris.PUMP_STATUS, null));
		reading.addComponent().setValue(ucum("18", "mL")).getCode().addCoding(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "reservoir-volume", null));
		reading.addComponent().setValue(ucum("0.2", "mL/d")).getCode()
				.addCoding(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "basal-daily-volume", null));
		reading.addComponent().setValue(new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, theAlarm, null))).getCode()
				.addCoding(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, "alarm", null));
		return reading;
	}

	/** What the pharmacy hands over for {@code thePrescription}: {@code theProduct}'s contained Medication, {@code theMillilitres}. */
	public static MedicationDispense dispense(String thePatient, String thePrescription, PumpInput theProduct, String theMillilitres) {
		MedicationRequest product = theProduct.myRequest;
		MedicationDispense dispense = new MedicationDispense().setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED)
				.setSubject(new Reference("Patient/" + thePatient)).setMedication(product.getMedicationReference().copy())
				.setQuantity(ucum(theMillilitres, "mL"));
		product.getContained().forEach(resource -> dispense.addContained((Resource) resource.copy()));
		dispense.addIdentifier(BaseServerIT.uniqueIdentifier());
		if (thePrescription != null) {
			dispense.addAuthorizingPrescription(new Reference(thePrescription));
		}
		dispense.addDosageInstruction().setRoute(INTRATHECAL);
		return dispense;
	}

	Device device() {
		return myPump;
	}

	Parameters parameters() {
		Parameters input = new Parameters();
		input.addParameter().setName("medicationRequest").setResource(myRequest.copy());
		input.addParameter().setName("pump").setResource(myPump.copy());
		myFlags.getParameter().forEach(flag -> input.addParameter(flag.copy()));
		return input;
	}

	public static Device pump(String theModel, String theReservoirMl) {
		Device pump = new Device();
		if (theModel.matches("[0-9-]+")) {
			pump.setModelNumber(theModel);
		} else {
			pump.addDeviceName().setName(theModel).setType(Device.DeviceNameType.MODELNAME);
		}
		pump.addProperty().setType(new CodeableConcept(new Coding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME, null)))
				.addValueQuantity(ucum(theReservoirMl, "mL"));
		return pump;
	}

	static Quantity ucum(String theValue, String theUnit) {
		return new Quantity().setValue(new BigDecimal(theValue)).setUnit(theUnit).setSystem(OpenImdUris.UCUM).setCode(theUnit);
	}
}
