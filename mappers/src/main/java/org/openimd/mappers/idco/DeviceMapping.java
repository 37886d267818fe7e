package org.openimd.mappers.idco;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Device.DeviceNameType;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.Hl7Location;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.mappers.idco.PatientMapping.DeviceBasedId;
import org.openimd.terminology.IdcoTerm;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * The implanted generator and its leads as Devices. A device is known by manufacturer, model and
 * serial, the identity IEEE 11073-10103 gives it, so a later interrogation updates the same Device.
 */
final class DeviceMapping {

	private final IdcoTermTable myTerms;

	DeviceMapping(IdcoTermTable theTerms) {
		myTerms = theTerms;
	}

	/** A Device and the identifier value that finds it again. */
	record MappedDevice(Device device, String identifierValue) {}

	MappedDevice generator(List<Obx> theObx, Optional<DeviceBasedId> thePatientDeviceId) throws MessageRejectedException {
		Map<String, Obx> byTerm = new LinkedHashMap<>();
		for (Obx obx : theObx) {
			termCode(obx).filter(this::isDeviceTerm).ifPresent(code -> byTerm.putIfAbsent(code, obx));
		}
		String manufacturer = manufacturerCode(byTerm.get(Mdc.MDC_IDC_DEV_MFG), Mdc.MDC_IDC_DEV_MFG)
				.or(() -> thePatientDeviceId.map(DeviceBasedId::manufacturer).filter(mfg -> !mfg.isEmpty()))
				.orElseThrow(() -> missing("OPENIMD-1003", "the implanted device's manufacturer (MDC_IDC_DEV_MFG)"));
		String model = value(byTerm.get(Mdc.MDC_IDC_DEV_MODEL))
				.or(() -> thePatientDeviceId.map(DeviceBasedId::model))
				.orElseThrow(() -> missing("OPENIMD-1004", "the implanted device's model (MDC_IDC_DEV_MODEL)"));
		String serial = value(byTerm.get(Mdc.MDC_IDC_DEV_SERIAL))
				.or(() -> thePatientDeviceId.map(DeviceBasedId::serial))
				.orElseThrow(() -> missing("OPENIMD-1005", "the implanted device's serial number (MDC_IDC_DEV_SERIAL)"));

		Device device = device(manufacturer, displayOf(byTerm.get(Mdc.MDC_IDC_DEV_MFG)), model, serial);
		Obx type = byTerm.get(Mdc.MDC_IDC_DEV_TYPE);
		if (type != null) {
			device.setType(deviceType(type));
		}
		return new MappedDevice(device, identifierValue(manufacturer, model, serial));
	}

	/**
	 * One Device per lead instance (OBX-4) that names a model and serial. A lead without them cannot
	 * be told apart from another; its values stay in the IdcoObservation.
	 */
	List<MappedDevice> leads(List<Obx> theObx, String theGeneratorManufacturer) {
		Map<String, Map<String, Obx>> byInstance = new LinkedHashMap<>();
		for (Obx obx : theObx) {
			Optional<IdcoTerm> term = termCode(obx).flatMap(myTerms::byCode);
			if (term.isPresent() && term.get().referenceId().startsWith(Mdc.LEAD_PREFIX)) {
				byInstance.computeIfAbsent(obx.subId(), instance -> new LinkedHashMap<>()).putIfAbsent(term.get().code(), obx);
			}
		}
		return byInstance.values().stream()
				.filter(lead -> value(lead.get(Mdc.MDC_IDC_LEAD_SERIAL)).isPresent() && value(lead.get(Mdc.MDC_IDC_LEAD_MODEL)).isPresent())
				.map(lead -> {
					String manufacturer = manufacturerCode(lead.get(Mdc.MDC_IDC_LEAD_MFG), Mdc.MDC_IDC_LEAD_MFG).orElse(theGeneratorManufacturer);
					String model = value(lead.get(Mdc.MDC_IDC_LEAD_MODEL)).orElseThrow();
					String serial = value(lead.get(Mdc.MDC_IDC_LEAD_SERIAL)).orElseThrow();
					Device device = device(manufacturer, displayOf(lead.get(Mdc.MDC_IDC_LEAD_MFG)), model, serial);
					Obx location = lead.get(Mdc.MDC_IDC_LEAD_LOCATION);
					if (location != null) {
						device.addProperty().setType(new CodeableConcept(new Coding(Mdc.SYSTEM, Mdc.MDC_IDC_LEAD_LOCATION, "MDC_IDC_LEAD_LOCATION")))
								.addValueCode(new CodeableConcept().setText(location.value(2).isEmpty() ? location.value(1) : location.value(2)));
					}
					return new MappedDevice(device, identifierValue(manufacturer, model, serial));
				})
				.toList();
	}

	static String identifierValue(String theManufacturer, String theModel, String theSerial) {
		return theManufacturer + "/" + theModel + "/" + theSerial;
	}

	private Device device(String theManufacturerCode, Optional<String> theManufacturerName, String theModel, String theSerial) {
		Device device = new Device();
		device.addIdentifier().setSystem(OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER)
				.setValue(identifierValue(theManufacturerCode, theModel, theSerial));
		device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
		device.setManufacturer(theManufacturerName.orElse(theManufacturerCode));
		device.setModelNumber(theModel);
		device.setSerialNumber(theSerial);
		device.addDeviceName().setName(theModel).setType(DeviceNameType.MODELNAME);
		return device;
	}

	private CodeableConcept deviceType(Obx theType) {
		CodeableConcept type = new CodeableConcept();
		myTerms.enumerationValue(Mdc.MDC_IDC_DEV_TYPE, theType.value(1))
				.ifPresent(value -> type.addCoding(new Coding(Mdc.SYSTEM, value.code(), value.referenceId())));
		String text = theType.value(2).isEmpty() ? theType.value(1) : theType.value(2);
		return type.setText(text.isEmpty() ? null : text);
	}

	/**
	 * The manufacturer's short code ({@code MDT}, {@code STJ}, {@code BIO}): the enumeration's
	 * mnemonic when sent as {@code 753751^MDC_IDC_ENUM_MFG_STJ}, otherwise the code as sent.
	 */
	private Optional<String> manufacturerCode(Obx theObx, String theTermCode) {
		if (theObx == null || theObx.value(1).isEmpty()) {
			return Optional.empty();
		}
		Optional<IdcoTerm> enumeration = myTerms.enumerationValue(theTermCode, theObx.value(1));
		String referenceId = enumeration.map(IdcoTerm::referenceId).orElse(theObx.value(2));
		if (referenceId.startsWith(Mdc.ENUM_PREFIX + "MFG_")) {
			return Optional.of(referenceId.substring((Mdc.ENUM_PREFIX + "MFG_").length()));
		}
		return Optional.of(theObx.value(1));
	}

	private static Optional<String> displayOf(Obx theObx) {
		if (theObx == null || theObx.value(2).isEmpty() || theObx.value(2).startsWith(Mdc.ENUM_PREFIX)) {
			return Optional.empty();
		}
		return Optional.of(theObx.value(2));
	}

	private Optional<String> termCode(Obx theObx) {
		if (myTerms.byCode(theObx.code()).isPresent()) {
			return Optional.of(theObx.code());
		}
		return myTerms.byReferenceId(theObx.referenceId().replace(Mdc.LEGACY_DEVICE_PREFIX, Mdc.DEVICE_PREFIX)).map(IdcoTerm::code);
	}

	private boolean isDeviceTerm(String theCode) {
		return myTerms.byCode(theCode).map(term -> term.referenceId().startsWith(Mdc.DEVICE_PREFIX)).orElse(false);
	}

	private static Optional<String> value(Obx theObx) {
		return theObx == null || theObx.value(1).isBlank() ? Optional.empty() : Optional.of(theObx.value(1).strip());
	}

	private static MessageRejectedException missing(String theCode, String theWhat) {
		return new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.REQUIRED_FIELD_MISSING,
				Hl7Location.segment("OBX", 1), theCode, "the message names neither " + theWhat
						+ " nor a PID-3 device identifier (model:…/serial:…) to take it from");
	}
}
