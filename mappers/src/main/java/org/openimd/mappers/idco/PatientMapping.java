package org.openimd.mappers.idco;

import ca.uhn.hl7v2.model.v26.datatype.CX;
import ca.uhn.hl7v2.model.v26.datatype.XPN;
import ca.uhn.hl7v2.model.v26.segment.PID;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.openimd.mappers.hl7v2.Hl7DateTimes;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.Hl7Location;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.terminology.OpenImdUris;

/**
 * PID to Patient. IHE IDCO pre-coordinates patient matching: the first PID-3 repetition is the
 * implanted device ({@code model:<model>/serial:<serial>}, assigned by its manufacturer), which the
 * receiving system keeps in the patient record. Every PID-3 repetition becomes an identifier, and
 * the Patient is matched on any of them.
 */
final class PatientMapping {

	/**
	 * The IHE IDCO device-based patient identifier, {@code model:<model>/serial:<serial>}, as senders
	 * write it: in any case, with spaces in the model name and around the separators
	 * ({@code MODEL:Maximo II DR/SERIAL:PZC123456}, as a Paceart export does).
	 */
	static final Pattern DEVICE_BASED_ID = Pattern.compile("\\s*model\\s*:\\s*(\\S.*?)\\s*/\\s*serial\\s*:\\s*(\\S.*?)\\s*",
			Pattern.CASE_INSENSITIVE);

	private PatientMapping() {}

	/** A Patient and the search that finds it again. */
	record MappedPatient(Patient patient, String matchQuery, Optional<DeviceBasedId> deviceBasedId) {}

	/** The device an IHE device-based patient identifier names. */
	record DeviceBasedId(String manufacturer, String model, String serial) {}

	static MappedPatient map(PID thePid, ZoneId theSenderZone) throws MessageRejectedException {
		Patient patient = new Patient();
		List<String> match = new ArrayList<>();
		Optional<DeviceBasedId> deviceBasedId = Optional.empty();
		for (CX cx : thePid.getPid3_PatientIdentifierList()) {
			String value = text(cx.getCx1_IDNumber().getValue());
			if (value.isEmpty()) {
				continue;
			}
			String authority = text(cx.getCx4_AssigningAuthority().getHd1_NamespaceID().getValue());
			String type = text(cx.getCx5_IdentifierTypeCode().getValue());
			Identifier identifier = patient.addIdentifier().setSystem(system(authority, type)).setValue(value);
			identifier.getType().setText(type.isEmpty() ? null : type);
			match.add(IdcoOruMapper.token(identifier.getSystem(), value));
			Matcher device = DEVICE_BASED_ID.matcher(value);
			if (device.matches() && deviceBasedId.isEmpty()) {
				deviceBasedId = Optional.of(new DeviceBasedId(authority, device.group(1).strip(), device.group(2).strip()));
			}
		}
		if (match.isEmpty()) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.REQUIRED_FIELD_MISSING,
					Hl7Location.field("PID", 1, 3), "OPENIMD-1002",
					"PID-3 has no patient identifier, so the interrogation cannot be filed to a patient");
		}
		for (XPN name : thePid.getPid5_PatientName()) {
			String family = text(name.getXpn1_FamilyName().getFn1_Surname().getValue());
			String given = text(name.getXpn2_GivenName().getValue());
			if (!family.isEmpty() || !given.isEmpty()) {
				patient.addName().setFamily(family.isEmpty() ? null : family).addGiven(given.isEmpty() ? null : given);
			}
		}
		String birth = text(thePid.getPid7_DateTimeOfBirth().getValue());
		if (birth.length() >= 8) {
			// A birth date is a date: the time some senders append is not part of it.
			Hl7DateTimes.toFhir(birth.substring(0, 8), theSenderZone)
					.ifPresent(date -> patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(date.value().getValueAsString())));
		}
		patient.setGender(switch (text(thePid.getPid8_AdministrativeSex().getValue())) {
			case "M" -> AdministrativeGender.MALE;
			case "F" -> AdministrativeGender.FEMALE;
			case "O", "A" -> AdministrativeGender.OTHER;
			case "U" -> AdministrativeGender.UNKNOWN;
			default -> null;
		});
		return new MappedPatient(patient, "Patient?identifier=" + String.join(",", match), deviceBasedId);
	}

	private static String system(String theAuthority, String theType) {
		return OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE
				+ URLEncoder.encode(theAuthority.isEmpty() ? "unknown" : theAuthority, StandardCharsets.UTF_8)
				+ "/" + URLEncoder.encode(theType.isEmpty() ? "unknown" : theType, StandardCharsets.UTF_8);
	}

	private static String text(String theValue) {
		return theValue == null ? "" : theValue.strip();
	}
}
