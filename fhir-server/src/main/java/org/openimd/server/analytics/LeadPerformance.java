package org.openimd.server.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.alerts.AlertKnowledge;

/**
 * How pacing leads perform, by lead manufacturer and model: the distributions of their pacing
 * impedance, pacing threshold and sensed amplitude by year since the lead's implant
 * ({@code MDC_IDC_LEAD_IMPLANT_DT}), and the rate of out-of-range events per lead-year of follow-up.
 *
 * <p>A lead is a Device whose parent is an implanted cardiac device; its chamber is its location (RA, RV,
 * LA or LV), and its measurements are its generator's measurements of that chamber's lead channel in
 * the interrogations that report the lead (by serial number). Its follow-up runs from the first of them
 * to the last. Its out-of-range events are its generator's alerts of the rules for an impedance out of
 * range (ALERT-LEAD-01) and a lead channel the device flags "check lead" (ALERT-LEAD-07) whose judged
 * measurement is that chamber's. High-voltage (shock) leads have no chamber and are not counted.
 */
final class LeadPerformance {

	static final String LEAD_SERIAL = "720962";
	static final String LEAD_IMPLANT_DATE = "720964";
	static final String LEAD_LOCATION = "720966";
	private static final Set<String> OUT_OF_RANGE_RULES = Set.of("ALERT-LEAD-01", "ALERT-LEAD-07");

	/** What is measured of a lead channel, by the part name it is answered under, in its unit. */
	enum Measure {
		IMPEDANCE("impedance", "Ohm"),
		PACING_THRESHOLD("pacingThreshold", "V"),
		SENSED_AMPLITUDE("sensedAmplitude", "mV");

		private final String myPart;
		private final String myUnit;

		Measure(String thePart, String theUnit) {
			myPart = thePart;
			myUnit = theUnit;
		}

		String part() {
			return myPart;
		}

		String unit() {
			return myUnit;
		}
	}

	/**
	 * A lead channel's IEEE 11073-10103 codes: impedance ({@code MDC_IDC_MSMT_LEADCHNL_xx_IMPEDANCE_VALUE}),
	 * pacing threshold amplitude, mean sensed amplitude, and lead channel status.
	 */
	enum Chamber {
		RA("722432", "722176", "722051", "721984"),
		RV("722433", "722177", "722055", "721985"),
		LA("722434", "722178", "722059", "721986"),
		LV("722435", "722179", "722063", "721987");

		private final String myImpedance;
		private final String myThreshold;
		private final String mySensing;
		private final String myStatus;

		Chamber(String theImpedance, String theThreshold, String theSensing, String theStatus) {
			myImpedance = theImpedance;
			myThreshold = theThreshold;
			mySensing = theSensing;
			myStatus = theStatus;
		}

		String code(Measure theMeasure) {
			return switch (theMeasure) {
				case IMPEDANCE -> myImpedance;
				case PACING_THRESHOLD -> myThreshold;
				case SENSED_AMPLITUDE -> mySensing;
			};
		}

		boolean judged(String theCode) {
			return theCode.equals(myImpedance) || theCode.equals(myStatus);
		}

		/** The chamber a lead's location names as one of its words ("RV", "MDC_IDC_ENUM_LEAD_LOCATION_RV"); none if it names none or several. */
		static Optional<Chamber> of(Type theLocation) {
			Set<String> words = AlertKnowledge.words(theLocation);
			List<Chamber> named = Arrays.stream(values()).filter(chamber -> words.contains(chamber.name())).toList();
			return named.size() == 1 ? Optional.of(named.get(0)) : Optional.empty();
		}
	}

	/** One lead: which, whose, its model, its follow-up in years, its out-of-range events, and its measurements by year since implant. */
	record Lead(String device, String patient, String manufacturer, String model, double years, int outOfRange,
			Map<Measure, List<YearlyDistribution.Reading>> readings) implements Strata.DeviceOfPatient, Strata.OfModel {}

	private final CardiacDevices myDevices;

	LeadPerformance(CardiacDevices theDevices) {
		myDevices = theDevices;
	}

	/** The leads of one implanted cardiac device, with what its interrogations and alerts up to {@code theAsOf} tell of each. */
	List<Lead> of(CardiacDevices.History theGenerator, Instant theAsOf) {
		List<Lead> leads = new ArrayList<>();
		List<Device> devices = myDevices.leads(theGenerator);
		// a generator without leads (a loop recorder) needs no alerts read
		List<DetectedIssue> alerts = devices.isEmpty() ? List.of() : myDevices.alerts(theGenerator.reference(), theAsOf);
		for (Device lead : devices) {
			Optional<Chamber> chamber = lead.getProperty().stream().filter(property -> property.getType().getCoding().stream()
							.anyMatch(coding -> Mdc.SYSTEM.equals(coding.getSystem()) && LEAD_LOCATION.equals(coding.getCode())))
					.flatMap(property -> property.getValueCode().stream()).map(Chamber::of).flatMap(Optional::stream).findFirst();
			if (chamber.isEmpty() || !lead.hasModelNumber() || !lead.hasSerialNumber()) {
				continue;
			}
			List<CardiacDevices.Interrogation> reporting = theGenerator.interrogations().stream()
					.filter(interrogation -> instanceOf(interrogation, lead.getSerialNumber()).isPresent()).toList();
			if (reporting.isEmpty()) {
				continue;
			}
			Optional<Instant> implanted = reporting.stream().map(interrogation -> interrogation.time(LEAD_IMPLANT_DATE,
					instanceOf(interrogation, lead.getSerialNumber()).orElseThrow())).flatMap(Optional::stream).reduce((earlier, latest) -> latest);
			Map<Measure, List<YearlyDistribution.Reading>> readings = new EnumMap<>(Measure.class);
			for (Measure measure : Measure.values()) {
				readings.put(measure, implanted.map(implant -> reporting.stream().flatMap(interrogation -> interrogation.values(chamber.get().code(measure))
								.filter(Quantity.class::isInstance).map(Quantity.class::cast).filter(Quantity::hasValue)
								.map(quantity -> new YearlyDistribution.Reading(CardiacDevices.years(implant, interrogation.when()), quantity.getValue().doubleValue())))
						.toList()).orElse(List.of()));
			}
			Instant first = reporting.get(0).when();
			Instant last = reporting.get(reporting.size() - 1).when();
			int outOfRange = (int) alerts.stream().filter(alert -> outOfRangeOf(alert, chamber.get()))
					.filter(alert -> !alert.getIdentifiedDateTimeType().getValue().toInstant().isBefore(first)).count();
			leads.add(new Lead(lead.getIdElement().toUnqualifiedVersionless().getValue(), theGenerator.patient(),
					lead.hasManufacturer() ? lead.getManufacturer() : "unknown manufacturer", lead.getModelNumber(), CardiacDevices.years(first, last), outOfRange,
					readings));
		}
		return leads;
	}

	private static Optional<Integer> instanceOf(CardiacDevices.Interrogation theInterrogation, String theSerial) {
		return theInterrogation.instances(LEAD_SERIAL)
				.filter(instance -> theInterrogation.value(LEAD_SERIAL, instance).map(AlertKnowledge::text).filter(theSerial::equals).isPresent())
				.findFirst();
	}

	private static boolean outOfRangeOf(DetectedIssue theAlert, Chamber theChamber) {
		return theAlert.getCode().getCoding().stream()
						.anyMatch(coding -> OpenImdUris.ALERT_RULE_SYSTEM.equals(coding.getSystem()) && OUT_OF_RANGE_RULES.contains(coding.getCode()))
				&& theAlert.getEvidence().stream().flatMap(evidence -> evidence.getCode().stream()).flatMap(code -> code.getCoding().stream())
						.filter(coding -> Mdc.SYSTEM.equals(coding.getSystem())).map(Coding::getCode).anyMatch(theChamber::judged);
	}
}
