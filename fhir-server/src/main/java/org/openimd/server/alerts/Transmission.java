package org.openimd.server.alerts;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Type;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * One transmission as the alert rules read it: what kind of device sent it ({@code PM}, {@code ICD},
 * {@code CRT-P}, {@code CRT-D}, {@code ILR}, or a pump family), its values, and the values of the
 * device's previous transmission, which changes and counters are measured against.
 */
record Transmission(Optional<String> deviceKind, List<Reading> readings, List<Reading> previous) {

	/** One value: the term's code, the instance it belongs to (lead channel, zone, episode; 0 for none) and the value as stored. */
	record Reading(String code, int instance, Type value) {}

	private static final String DEVICE_TYPE = "720897";

	/** The readings of an IdcoObservation (each component: an MDC code, its OBX-4 instance, its value). */
	static List<Reading> readings(Observation theIdcoObservation) {
		return theIdcoObservation.getComponent().stream().filter(component -> component.hasValue())
				.map(component -> new Reading(component.getCode().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem()))
						.map(coding -> coding.getCode()).findFirst().orElse(component.getCode().getCodingFirstRep().getCode()),
						instance(component.getExtensionByUrl(OpenImdUris.IDCO_INSTANCE_EXTENSION)), component.getValue()))
				.toList();
	}

	/** The transmission of {@code theIdcoObservation}, the device kind read from its device type. */
	static Transmission of(Observation theIdcoObservation, Optional<Observation> thePrevious) {
		List<Reading> readings = readings(theIdcoObservation);
		Optional<String> kind = readings.stream().filter(reading -> reading.code().equals(DEVICE_TYPE)).findFirst()
				.map(Reading::value).filter(CodeableConcept.class::isInstance).map(CodeableConcept.class::cast)
				.flatMap(type -> type.getCoding().stream().map(coding -> deviceKind(coding.getCode())).flatMap(Optional::stream).findFirst());
		return new Transmission(kind, readings, thePrevious.map(Transmission::readings).orElse(List.of()));
	}

	/** The kind of {@code theDevice} by its type, as the ingest coded it from the interrogation's device type. */
	static Optional<String> deviceKind(Device theDevice) {
		return theDevice.getType().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem()))
				.map(coding -> deviceKind(coding.getCode())).flatMap(Optional::stream).findFirst();
	}

	private static Optional<String> deviceKind(String theDeviceTypeCode) {
		return Optional.ofNullable(switch (theDeviceTypeCode) {
			case "753665" -> "PM";
			case "753666" -> "ICD";
			case "753667" -> "CRT-D";
			case "753668" -> "CRT-P";
			case "753669" -> "ILR";
			default -> null;
		});
	}

	private static int instance(Extension theInstance) {
		return theInstance != null && theInstance.getValue() instanceof IntegerType number ? number.getValue() : 0;
	}
}
