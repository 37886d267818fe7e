package org.openimd.server.deid;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * The Safe Harbor profile, rule by rule, on the resources a device export holds: what is removed,
 * what is kept in part (a year, a ZIP3), what is pseudonymised, and a scan of the whole output for
 * anything identifying that slipped through.
 */
class SafeHarborTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final Clock NOV_2026 = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
	private static final Deidentifier SAFE_HARBOR = new Deidentifier(FHIR, DeidentificationProfile.safeHarbor(),
			"test key, not the server's".getBytes(StandardCharsets.UTF_8), NOV_2026);
	private static final String UDI = "(01)00643169001763(17)280101(21)PJN123456";

	private static Patient alice() {
		Patient alice = new Patient();
		alice.setId("Patient/p-1");
		alice.getMeta().setSource("urn:openimd:ingest#sender").setLastUpdated(new Date());
		alice.getText().setStatus(Narrative.NarrativeStatus.GENERATED).setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">Alice Example</div>");
		alice.addIdentifier().setSystem("urn:oid:1.2.3.4").setValue("MRN-778899");
		alice.addName().setFamily("Example").addGiven("Alice");
		alice.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("+1 555 0100");
		alice.addTelecom().setSystem(ContactPoint.ContactPointSystem.EMAIL).setValue("alice@example.org");
		alice.addAddress().addLine("1 Main Street").setCity("Springfield").setDistrict("Hampden").setState("MA").setPostalCode("03601-1234")
				.setCountry("US");
		alice.setGender(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
		alice.setBirthDateElement(new DateType("1962-04-17"));
		alice.addExtension(new Extension("http://example.org/mothers-maiden-name", new StringType("Smith")));
		alice.addGeneralPractitioner(new Reference("Practitioner/9").setDisplay("Dr Jones"));
		alice.addContact().addTelecom().setValue("+1 555 0199");
		return alice;
	}

	private static Device pump() {
		Device pump = new Device();
		pump.setId("Device/d-1");
		pump.addUdiCarrier().setDeviceIdentifier("00643169001763").setCarrierHRF(UDI);
		pump.setDistinctIdentifier("PJN123456").setSerialNumber("PJN123456").setLotNumber("LOT-4711");
		pump.addDeviceName().setName("SynchroMed II").setType(Device.DeviceNameType.MODELNAME);
		pump.addDeviceName().setName("Alice's pump").setType(Device.DeviceNameType.USERFRIENDLYNAME);
		pump.setManufacturer("Medtronic").setModelNumber("8637-20").setPatient(new Reference("Patient/p-1"));
		pump.setManufactureDateElement(new DateTimeType("2019-06-30"));
		pump.addNote(new Annotation().setText("implanted by Dr Jones at St Elsewhere"));
		pump.addProperty().getType().setText("reservoir volume");
		return pump;
	}

	private static Observation reading() {
		Observation reading = new Observation();
		reading.setId("Observation/o-1");
		reading.addIdentifier().setValue("PJN123456-2026-03-01");
		reading.setSubject(new Reference("Patient/p-1").setDisplay("Alice Example")).setDevice(new Reference("Device/d-1/_history/3"));
		reading.setEffective(new DateTimeType("2026-03-01T09:30:00+01:00"));
		reading.setIssued(new Date());
		reading.getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(OpenImdUris.PUMP_STATUS);
		reading.getCode().setText("pump status of Alice");
		reading.addComponent().setValue(new Quantity().setValue(new BigDecimal("18")).setCode("mL")).getCode().addCoding()
				.setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode("reservoir-volume");
		reading.addComponent().setValue(new DateTimeType("2025-12-15")).getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM)
				.setCode("eri-date");
		reading.addExtension(new Extension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new IntegerType(2)));
		reading.addExtension(new Extension("http://example.org/ward", new StringType("Ward 7, bed 3")));
		reading.addNote(new Annotation().setText("Alice says the pump beeped"));
		return reading;
	}

	@Test
	void namesContactsIdentifiersNarrativeRelativesAndUnknownExtensionsAreRemoved() {
		Patient patient = SAFE_HARBOR.deidentify(alice());
		assertThat(patient.getName()).isEmpty();
		assertThat(patient.getTelecom()).isEmpty();
		assertThat(patient.getIdentifier()).isEmpty();
		assertThat(patient.getContact()).isEmpty();
		assertThat(patient.hasText()).isFalse();
		assertThat(patient.getExtension()).isEmpty();
		assertThat(patient.getGeneralPractitionerFirstRep().hasDisplay()).isFalse();
		assertThat(patient.getGender()).isEqualTo(org.hl7.fhir.r4.model.Enumerations.AdministrativeGender.FEMALE);
	}

	@Test
	void anAddressKeepsItsStateCountryAndZip3AndARestrictedZip3BecomesZeros() {
		Patient patient = SAFE_HARBOR.deidentify(alice());
		assertThat(patient.getAddress()).singleElement().satisfies(address -> {
			assertThat(address.getLine()).isEmpty();
			assertThat(address.hasCity()).isFalse();
			assertThat(address.hasDistrict()).isFalse();
			assertThat(address.getState()).isEqualTo("MA");
			assertThat(address.getCountry()).isEqualTo("US");
			assertThat(address.getPostalCode()).as("036 is a restricted ZIP3").isEqualTo("000");
		});
		Patient inSanFrancisco = alice();
		inSanFrancisco.getAddressFirstRep().setPostalCode("94110");
		assertThat(SAFE_HARBOR.deidentify(inSanFrancisco).getAddressFirstRep().getPostalCode()).isEqualTo("941");
	}

	@Test
	void datesKeepTheirYearOnlyAndABirthDateImplyingAnAgeOver89IsRemovedAndGroupedAs90OrOlder() {
		Patient patient = SAFE_HARBOR.deidentify(alice());
		assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1962");
		assertThat(patient.hasExtension(OpenImdUris.AGE_90_OR_OLDER_EXTENSION)).isFalse();

		Patient old = alice();
		old.setBirthDateElement(new DateType("1936-12-31"));
		Patient oldDeidentified = SAFE_HARBOR.deidentify(old);
		assertThat(oldDeidentified.hasBirthDate()).as("2026 - 1936 = 90").isFalse();
		assertThat(((BooleanType) oldDeidentified.getExtensionByUrl(OpenImdUris.AGE_90_OR_OLDER_EXTENSION).getValue()).booleanValue()).isTrue();

		Patient eightyNine = alice();
		eightyNine.setBirthDateElement(new DateType("1937-01-01"));
		assertThat(SAFE_HARBOR.deidentify(eightyNine).getBirthDateElement().getValueAsString()).isEqualTo("1937");

		Observation reading = SAFE_HARBOR.deidentify(reading());
		assertThat(reading.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026");
		assertThat(reading.hasIssued()).as("an instant cannot be reduced to its year").isFalse();
		assertThat(((DateTimeType) reading.getComponent().get(1).getValue()).getValueAsString()).isEqualTo("2025");
	}

	@Test
	void aDeviceLosesItsUdiSerialLotAndUserGivenNamesAndKeepsWhatItIs() {
		Device device = SAFE_HARBOR.deidentify(pump());
		assertThat(device.getUdiCarrier()).isEmpty();
		assertThat(device.hasDistinctIdentifier()).isFalse();
		assertThat(device.hasSerialNumber()).isFalse();
		assertThat(device.hasLotNumber()).isFalse();
		assertThat(device.getNote()).isEmpty();
		assertThat(device.getDeviceName()).singleElement().satisfies(name -> assertThat(name.getName()).isEqualTo("SynchroMed II"));
		assertThat(device.getManufacturer()).isEqualTo("Medtronic");
		assertThat(device.getModelNumber()).isEqualTo("8637-20");
		assertThat(device.getManufactureDateElement().getValueAsString()).isEqualTo("2019");
	}

	@Test
	void idsAndReferencesArePseudonymisedAlikeInEveryResource() {
		Patient patient = SAFE_HARBOR.deidentify(alice());
		Device device = SAFE_HARBOR.deidentify(pump());
		Observation reading = SAFE_HARBOR.deidentify(reading());

		String patientPseudonym = patient.getIdElement().getIdPart();
		assertThat(patientPseudonym).matches("[0-9a-f]{64}").isNotEqualTo("p-1");
		assertThat(device.getPatient().getReference()).isEqualTo("Patient/" + patientPseudonym);
		assertThat(reading.getSubject().getReference()).isEqualTo("Patient/" + patientPseudonym);
		assertThat(reading.getSubject().hasDisplay()).isFalse();
		assertThat(reading.getDevice().getReference()).as("the version goes with the id").isEqualTo("Device/" + device.getIdElement().getIdPart());
		assertThat(patient.getGeneralPractitionerFirstRep().getReference()).isEqualTo("Practitioner/" + SAFE_HARBOR.pseudonym("9"));

		Deidentifier otherKey = new Deidentifier(FHIR, DeidentificationProfile.safeHarbor(), "another key".getBytes(StandardCharsets.UTF_8), NOV_2026);
		assertThat(otherKey.deidentify(alice()).getIdElement().getIdPart()).isNotEqualTo(patientPseudonym);
	}

	@Test
	void observationCodesAndValuesAndTheAllowedExtensionsAreKeptFreeTextIsNot() {
		Observation reading = SAFE_HARBOR.deidentify(reading());
		assertThat(reading.getCode().getCodingFirstRep().getCode()).isEqualTo(OpenImdUris.PUMP_STATUS);
		assertThat(reading.getCode().hasText()).isFalse();
		assertThat(((Quantity) reading.getComponentFirstRep().getValue()).getValue()).isEqualByComparingTo("18");
		assertThat(reading.getExtension()).singleElement().satisfies(extension -> {
			assertThat(extension.getUrl()).isEqualTo(OpenImdUris.IDCO_INSTANCE_EXTENSION);
			assertThat(((IntegerType) extension.getValue()).getValue()).isEqualTo(2);
		});
		assertThat(reading.getNote()).isEmpty();
		assertThat(reading.getIdentifier()).isEmpty();
		assertThat(reading.getMeta().getSecurity()).singleElement().satisfies(label -> assertThat(label.getCode()).isEqualTo("ANONYED"));
		assertThat(reading.getMeta().hasLastUpdated()).isFalse();
	}

	@Test
	void idcoStringsSuchAsSerialNumbersAndNamesAreRemovedAndTheModelsKept() {
		Observation interrogation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setValue(new StringType("Seen by Dr Who"));
		interrogation.addComponent().setValue(new StringType("W1DR01")).getCode().addCoding().setSystem(Mdc.SYSTEM).setCode(Mdc.MDC_IDC_DEV_MODEL);
		interrogation.addComponent().setValue(new StringType("PJN123456")).getCode().addCoding().setSystem(Mdc.SYSTEM).setCode(Mdc.MDC_IDC_DEV_SERIAL);
		interrogation.addComponent().setValue(new StringType("5076-52")).getCode().addCoding().setSystem(Mdc.SYSTEM).setCode(Mdc.MDC_IDC_LEAD_MODEL);
		interrogation.addComponent().setValue(new StringType("Dr Who")).getCode().addCoding().setSystem(Mdc.SYSTEM).setCode(Mdc.MDC_IDC_SESS_CLINICIAN_NAME);

		Observation copy = SAFE_HARBOR.deidentify(interrogation);
		assertThat(copy.getComponent()).extracting(component -> component.hasValue() ? component.getValue().primitiveValue() : null)
				.containsExactly("W1DR01", null, "5076-52", null);
		assertThat(copy.hasValue()).as("a finding's free text").isFalse();
	}

	@Test
	void nothingIdentifyingIsLeftAnywhereInTheOutput() {
		for (Resource resource : List.of(alice(), pump(), reading())) {
			String json = FHIR.newJsonParser().encodeResourceToString(SAFE_HARBOR.deidentify(resource));
			assertThat(json).doesNotContain("Alice", "Example", "Jones", "Smith", "Springfield", "Main Street", "Hampden", "Ward 7", "Elsewhere",
					"MRN-778899", "PJN123456", "LOT-4711", "00643169001763", "p-1", "d-1", "o-1", "ingest#sender");
			assertThat(json).doesNotContainPattern("\\(01\\)|\\(21\\)");
			assertThat(json).doesNotContainPattern("\\d{3}[ -]?\\d{4}\\b(?!\\d)").as("no phone number");
			assertThat(json).doesNotContainPattern("[\\w.]+@[\\w.]+").as("no e-mail address");
			assertThat(json).doesNotContainPattern("\\d{3}-\\d{2}-\\d{4}").as("no SSN");
			assertThat(json).doesNotContainPattern("\"(19|20)\\d{2}-[01]\\d").as("no date finer than a year");
		}
		assertThat(alice().getNameFirstRep().getFamily()).as("the input is left as it was").isEqualTo("Example");
	}

	@Test
	void theProfileCitesItsSourcesAndEveryRuleUsesAKnownMethod() {
		DeidentificationProfile profile = SAFE_HARBOR.profile();
		assertThat(profile.name()).isEqualTo("safe-harbor");
		assertThat(profile.sources()).anySatisfy(source -> assertThat(source).contains("164.514(b)(2)(i)"));
		assertThat(profile.parameters().restrictedZipCodeTabulationAreas()).hasSize(17).contains("036", "893");
		assertThat(profile.fhirPathRules()).extracting(DeidentificationProfile.Rule::method)
				.allMatch(method -> List.of("keep", "redact", "cryptoHash").contains(method));
	}

	@Test
	void generalizeAndSubstituteWorkAsInTheMicrosoftAnonymizerForProfilesThatUseThem() {
		Deidentifier engine = new Deidentifier(FHIR, DeidentificationProfile.load("/deid/generalize-and-substitute.json"),
				"test key, not the server's".getBytes(StandardCharsets.UTF_8), NOV_2026);

		Device synchroMed = engine.deidentify(pump());
		assertThat(synchroMed.getModelNumber()).as("the case that matches gives the value").isEqualTo("SynchroMed II");
		assertThat(synchroMed.getLotNumber()).as("no case matches, otherValues keep").isEqualTo("LOT-4711");
		assertThat(synchroMed.getManufacturer()).isEqualTo("a manufacturer");

		Device other = pump().setModelNumber("W1DR01").setLotNumber(null);
		assertThat(engine.deidentify(other).hasModelNumber()).as("no case matches, otherValues redact").isFalse();
	}
}
