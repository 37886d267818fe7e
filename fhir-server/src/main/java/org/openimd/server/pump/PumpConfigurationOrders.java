package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DeviceRequest;
import org.hl7.fhir.r4.model.DeviceRequest.DeviceRequestParameterComponent;
import org.hl7.fhir.r4.model.DeviceRequest.DeviceRequestStatus;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.server.pump.PumpPrescription.Active;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/**
 * Pump configuration orders: the DeviceRequest that tells whoever programs the pump what to set
 * (drug and concentration, basal dose and volume, boluses, reservoir fill, alarm volume, refill
 * interval). {@code $pump-configuration} builds it from a pump prescription, what the pharmacy last
 * dispensed for the pump (the concentrations and volume that are in the reservoir), the pump's last
 * reading (its programmed alarm volume, ERI) and the pump model's data, after the prescription checks
 * pass for what is in the pump. A dispense that differs from the prescription is flagged (CONFIG-03).
 *
 * <p>An order may be kept as a draft freely; before one becomes {@code active} (or is recorded
 * {@code completed}) it is checked as it is stored: it must rest on an active pump prescription of the
 * same patient for the same pump (CONFIG-01), rest on a dispense that says what the reservoir holds
 * (CONFIG-04), say exactly what that prescription, the dispense and the pump's data give today
 * (CONFIG-02), and the prescription must pass every check again with today's knowledge and the pump's
 * last reading. A refusal is a 422; warnings become DetectedIssues on the order.
 */
public class PumpConfigurationOrders extends CheckedWhenStored {

	static final String CONCENTRATION = "concentration";
	static final String BASAL_DAILY_DOSE = "basal-daily-dose";
	static final String BOLUS_DOSE = "bolus-dose";
	static final String BOLUS_DAILY_DOSE_MAX = "bolus-daily-dose-max";
	static final String REFILL_INTERVAL = "refill-interval";
	private static final String SIMPLE_CONTINUOUS = "simple-continuous";
	private static final Set<DeviceRequestStatus> CHECKED = Set.of(DeviceRequestStatus.ACTIVE, DeviceRequestStatus.COMPLETED);

	private final PumpOperations myOperations;
	private final StoredOrders myStored;
	private final PumpFacts myFacts;
	private final PendingWarnings myWarnings;
	private final PumpDispenses myDispenses;
	private final Clock myClock;

	public PumpConfigurationOrders(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myStored = new StoredOrders(theOperations, theDaos, theClock);
		myFacts = new PumpFacts(theOperations.knowledge());
		myWarnings = new PendingWarnings(theDaos, theClock);
		myDispenses = new PumpDispenses(theDaos, myStored);
		myClock = theClock;
	}

	/**
	 * The draft configuration order of {@code theOrder}, its pump read through {@code theResolver} (as
	 * the caller may see it).
	 *
	 * @throws UnprocessableEntityException when the order is no active pump prescription, or fails a check
	 */
	public DeviceRequest build(MedicationRequest theOrder, Function<Reference, Optional<IBaseResource>> theResolver, RequestDetails theRequest) {
		Device pump = myStored.orders().pump(theOrder, theResolver).orElseThrow(() -> unprocessable(theRequest, "CONFIG-01",
				versionless(theOrder) + " names no pump Device in supportingInformation"));
		Built built = built(theOrder, pump, theRequest);
		DeviceRequest configuration = new DeviceRequest().setStatus(DeviceRequestStatus.DRAFT).setIntent(DeviceRequest.RequestIntent.ORDER)
				.setSubject(theOrder.getSubject().copy()).setCode(new Reference(versionless(pump)))
				.setAuthoredOnElement(new DateTimeType(Date.from(myClock.instant())));
		configuration.addBasedOn(new Reference(versionless(theOrder)));
		built.reading().ifPresent(reading -> configuration.addSupportingInfo(new Reference(versionless(reading))));
		built.dispense().ifPresent(dispense -> configuration.addSupportingInfo(new Reference(versionless(dispense))));
		configuration.setParameter(built.parameters());
		// the draft says what its reviewer must know before activating it: what fills the pump, and every warning
		built.dispense().ifPresentOrElse(dispense -> configuration.addNote().setText(PumpDispenses.label(dispense)),
				() -> configuration.addNote().setText(note(noDispense(pump))));
		built.warnings().forEach(warning -> configuration.addNote().setText(note(warning)));
		return configuration;
	}

	private static String note(Finding theFinding) {
		return theFinding.rule() + " (" + theFinding.severity().name().toLowerCase(Locale.ROOT) + "): " + theFinding.message();
	}

	/** CONFIG-04: nothing recorded says what is in the reservoir, so no order may set the pump as if something were. */
	private Finding noDispense(Device thePump) {
		return Finding.of(myOperations.knowledge(), "CONFIG-04", Optional.empty(), "no completed dispense for " + versionless(thePump)
				+ " is recorded, so nothing says what its reservoir holds: the order cannot become active until the pharmacy's dispense is");
	}

	@Override
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {
		if (!(theResource instanceof DeviceRequest configuration) || !CHECKED.contains(configuration.getStatus())
				|| !configuration.hasCodeReference()) {
			return;
		}
		Optional<Device> pump = myStored.read(configuration.getCodeReference()).filter(Device.class::isInstance).map(Device.class::cast)
				.filter(device -> myOperations.reader().knownModel(device).isPresent());
		if (pump.isEmpty()) {
			return;
		}
		MedicationRequest order = configuration.getBasedOn().stream().map(myStored::read).flatMap(Optional::stream)
				.filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast).findFirst()
				.orElseThrow(() -> unprocessable(theRequest, "CONFIG-01", "the configuration of " + versionless(pump.get())
						+ " names no prescription in basedOn"));
		if (!Objects.equals(configuration.getSubject().getReferenceElement().getIdPart(), order.getSubject().getReferenceElement().getIdPart())) {
			throw unprocessable(theRequest, "CONFIG-01", versionless(order) + " is another patient's");
		}
		boolean samePump = myStored.pump(order).map(Device::getIdElement).map(id -> id.getIdPart().equals(pump.get().getIdElement().getIdPart()))
				.orElse(false);
		if (!samePump) {
			throw unprocessable(theRequest, "CONFIG-01", versionless(order) + " is not for the pump " + versionless(pump.get()));
		}
		Built expected = built(order, pump.get(), theRequest);
		if (expected.dispense().isEmpty()) {
			throw new UnprocessableEntityException(theRequest.getFhirContext(), PumpAnswers.outcome(List.of(noDispense(pump.get())), null));
		}
		List<String> differences = differences(expected.parameters(), configuration.getParameter());
		if (!differences.isEmpty()) {
			throw unprocessable(theRequest, "CONFIG-02", String.join("; ", differences));
		}
		myWarnings.add(theRequest, configuration, expected.warnings());
	}

	private record Built(List<DeviceRequestParameterComponent> parameters, Optional<Observation> reading, Optional<MedicationDispense> dispense,
			List<Finding> warnings) {}

	/**
	 * The configuration an active pump prescription gives with the pump's data, once the prescription
	 * passes every check: with what the pharmacy last dispensed for the pump in it, if anything (its
	 * concentrations, its volume as the fill), else with the prescribed product and the full reservoir.
	 */
	private Built built(MedicationRequest theOrder, Device thePump, RequestDetails theRequest) {
		if (theOrder.getStatus() != MedicationRequestStatus.ACTIVE) {
			throw unprocessable(theRequest, "CONFIG-01", versionless(theOrder) + " is " + theOrder.getStatus().toCode() + ", not active");
		}
		PumpReadings.State state = myStored.pumpState(thePump);
		Optional<MedicationDispense> dispense = myDispenses.last(thePump, theOrder.getSubject());
		List<Finding> findings = new ArrayList<>();
		PumpPrescription programmed;
		try {
			var flags = myStored.flags(theOrder, Optional.empty(), Optional.of(state));
			PumpPrescription prescribed = myOperations.reader().read(theOrder, thePump, flags, myStored::read);
			programmed = dispense.isEmpty() ? prescribed : myOperations.reader().read(PumpDispenses.asDispensed(dispense.get(), theOrder),
					PumpDispenses.filledBy(thePump, dispense.get()), flags, myStored::read);
			dispense.flatMap(filled -> PumpDispenses.productDifference(prescribed, programmed).map(difference -> versionless(filled)
					+ " filled the pump with another product than " + versionless(theOrder) + " prescribes: " + difference)).ifPresent(difference ->
					findings.add(Finding.of(myOperations.knowledge(), "CONFIG-03", Optional.empty(), difference)));
		} catch (PumpInputException e) {
			throw PumpAnswers.invalid(e);
		}
		PumpPrescriptionCheck.Result result = myOperations.check().check(programmed);
		findings.addAll(result.findings());
		if (result.status() == PumpPrescriptionCheck.Status.REJECT) {
			throw new UnprocessableEntityException(theRequest.getFhirContext(), PumpAnswers.outcome(findings, programmed));
		}
		ExactRatio alarm = myFacts.lowReservoirAlarm(programmed.pump(), programmed.lowReservoirAlarm(), "low-reservoir-alarm-volume");
		return new Built(parameters(programmed, result, alarm), state.reading(), dispense,
				findings.stream().filter(finding -> finding.severity() == Severity.WARN).toList());
	}

	/** What the pump is to be set to, in the order a programmer enters it. */
	static List<DeviceRequestParameterComponent> parameters(PumpPrescription thePrescription, PumpPrescriptionCheck.Result theResult,
			ExactRatio theAlarmVolume) {
		List<DeviceRequestParameterComponent> parameters = new ArrayList<>();
		for (Active active : thePrescription.actives()) {
			CodeableConcept code = code(CONCENTRATION).setText(active.drug().display());
			active.drug().rxnorm().ifPresent(rxnorm -> code.addCoding(new Coding(OpenImdUris.RXNORM, rxnorm, active.drug().display())));
			parameters.add(new DeviceRequestParameterComponent().setCode(code)
					.setValue(PumpAnswers.quantity(active.concentration().toDecimal(), active.drug().massUnit() + "/mL")));
		}
		Active reference = thePrescription.reference();
		String unit = reference.drug().massUnit();
		parameters.add(parameter(PumpTelemetry.INFUSION_MODE, code(SIMPLE_CONTINUOUS)));
		parameters.add(parameter(BASAL_DAILY_DOSE, PumpAnswers.quantity(thePrescription.basalDailyDose().toDecimal(), unit + "/d")));
		parameters.add(parameter(PumpTelemetry.BASAL_DAILY_VOLUME,
				PumpAnswers.quantity(thePrescription.basalDailyDose().dividedBy(reference.concentration()).toDecimal(), "mL/d")));
		thePrescription.bolusDose().ifPresent(bolus -> {
			parameters.add(parameter(BOLUS_DOSE, PumpAnswers.quantity(bolus.toDecimal(), unit)));
			parameters.add(parameter(BOLUS_DAILY_DOSE_MAX, PumpAnswers.quantity(thePrescription.maxDailyBolus().toDecimal(), unit + "/d")));
			parameters.add(parameter(PumpTelemetry.BOLUS_DAILY_VOLUME_MAX,
					PumpAnswers.quantity(thePrescription.maxDailyBolus().dividedBy(reference.concentration()).toDecimal(), "mL/d")));
		});
		parameters.add(parameter(PumpTelemetry.RESERVOIR_VOLUME, PumpAnswers.quantity(thePrescription.reservoirVolume().toDecimal(), "mL")));
		parameters.add(parameter(PumpTelemetry.LOW_RESERVOIR_ALARM_VOLUME, PumpAnswers.quantity(theAlarmVolume.toDecimal(), "mL")));
		parameters.add(parameter(REFILL_INTERVAL, PumpAnswers.quantity(BigDecimal.valueOf(theResult.refillIntervalDays()), "d")));
		return parameters;
	}

	/** Each expected parameter the order does not carry with the same value, and each pump-telemetry parameter it adds. */
	private static List<String> differences(List<DeviceRequestParameterComponent> theExpected, List<DeviceRequestParameterComponent> theGiven) {
		List<String> differences = new ArrayList<>();
		for (DeviceRequestParameterComponent expected : theExpected) {
			Optional<DeviceRequestParameterComponent> given = theGiven.stream().filter(parameter -> key(parameter).equals(key(expected))).findFirst();
			if (given.isEmpty()) {
				differences.add(name(expected) + " missing, expected " + shown(expected.getValue()));
			} else if (!sameValue(expected.getValue(), given.get().getValue())) {
				differences.add(name(expected) + " " + shown(given.get().getValue()) + ", expected " + shown(expected.getValue()));
			}
		}
		theGiven.stream().filter(parameter -> parameter.getCode().getCoding().stream()
						.anyMatch(coding -> OpenImdUris.PUMP_TELEMETRY_SYSTEM.equals(coding.getSystem())))
				.filter(parameter -> theExpected.stream().noneMatch(expected -> key(expected).equals(key(parameter))))
				.forEach(extra -> differences.add(name(extra) + " " + shown(extra.getValue()) + " is not part of this configuration"));
		return differences;
	}

	/** What a parameter sets: its pump-telemetry code and, for a concentration, the drug's name. */
	private static TreeSet<String> key(DeviceRequestParameterComponent theParameter) {
		TreeSet<String> key = new TreeSet<>();
		theParameter.getCode().getCoding().stream().filter(coding -> OpenImdUris.PUMP_TELEMETRY_SYSTEM.equals(coding.getSystem()))
				.forEach(coding -> key.add(coding.getCode()));
		if (key.contains(CONCENTRATION)) {
			key.add(Optional.ofNullable(theParameter.getCode().getText()).orElse("").toLowerCase(Locale.ROOT));
		}
		return key.isEmpty() ? new TreeSet<>(Set.of("")) : key;
	}

	private static boolean sameValue(Type theExpected, Type theGiven) {
		if (theExpected instanceof Quantity expected && theGiven instanceof Quantity given) {
			return given.hasValue() && expected.getValue().compareTo(given.getValue()) == 0
					&& Objects.equals(expected.getCode(), given.hasCode() ? given.getCode() : given.getUnit());
		}
		if (theExpected instanceof CodeableConcept expected && theGiven instanceof CodeableConcept given) {
			return expected.getCoding().stream().allMatch(coding -> given.hasCoding(coding.getSystem(), coding.getCode()));
		}
		return false;
	}

	private static String name(DeviceRequestParameterComponent theParameter) {
		return String.join(" ", key(theParameter).descendingSet()).strip();
	}

	private static String shown(Type theValue) {
		if (theValue instanceof Quantity quantity && quantity.hasValue()) {
			return quantity.getValue().toPlainString() + " " + (quantity.hasCode() ? quantity.getCode() : quantity.getUnit());
		}
		if (theValue instanceof CodeableConcept concept) {
			return concept.getCoding().stream().map(Coding::getCode).toList().toString();
		}
		return String.valueOf(theValue);
	}

	private static DeviceRequestParameterComponent parameter(String theCode, Type theValue) {
		return new DeviceRequestParameterComponent().setCode(code(theCode)).setValue(theValue);
	}

	private static CodeableConcept code(String theCode) {
		return new CodeableConcept(new Coding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, theCode, null));
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof DeviceRequest configuration) {
			myWarnings.record(theRequest, configuration, configuration.getSubject());
		}
	}

	private UnprocessableEntityException unprocessable(RequestDetails theRequest, String theRule, String theDetail) {
		return new UnprocessableEntityException(theRequest.getFhirContext(), PumpAnswers.outcome(List.of(Finding.of(myOperations.knowledge(), theRule, Optional.empty(), theDetail)), null));
	}

	private static String versionless(IBaseResource theResource) {
		return theResource.getIdElement().toUnqualifiedVersionless().getValue();
	}
}
