package org.openimd.ig;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class OpenImdIgTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final FhirValidator VALIDATOR = OpenImdIg.newValidator(FHIR);

	static Stream<String> examples() {
		return Stream.of(
				"Device-implanted-device.json",
				"Device-implanted-lead.json",
				"Observation-idco-observation.json",
				"DiagnosticReport-interrogation-report.json",
				"Observation-pump-status.json",
				"Observation-pump-refill.json",
				"Observation-ecg-strip.json");
	}

	private static final List<String> TOPICS = List.of("transmission", "alert", "review", "similar-case", "message", "pump-refill-due");
	private static final String TOPIC_URL_EXTENSION = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.url";
	private static final String TOPIC_TRIGGER_EXTENSION = "http://hl7.org/fhir/4.3/StructureDefinition/extension-SubscriptionTopic.resourceTrigger";

	@Test
	void packageHoldsTheProfilesExtensionsAndSearchParameters() throws IOException {
		NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(OpenImdIg.packageBytes()));

		assertThat(npm.name()).isEqualTo(OpenImdIg.PACKAGE_NAME);
		assertThat(npm.version()).isEqualTo(OpenImdIg.PACKAGE_VERSION);
		assertThat(npm.fhirVersion()).isEqualTo("4.0.1");
		assertThat(npm.listResources("StructureDefinition")).containsExactlyInAnyOrder(
				"StructureDefinition-idco-instance.json",
				"StructureDefinition-interrogated-device.json",
				"StructureDefinition-implanted-device.json",
				"StructureDefinition-implanted-lead.json",
				"StructureDefinition-idco-observation.json",
				"StructureDefinition-interrogation-report.json",
				"StructureDefinition-intrathecal-therapy.json",
				"StructureDefinition-pump-status.json",
				"StructureDefinition-pump-refill.json",
				"StructureDefinition-age-90-or-older.json",
				"StructureDefinition-cardiac-waveform.json",
				"StructureDefinition-review-group.json",
				"StructureDefinition-triage-rank.json");
		assertThat(npm.listResources("CodeSystem")).containsExactlyInAnyOrder("CodeSystem-pump-telemetry.json",
				"CodeSystem-cardiac-waveform.json", "CodeSystem-review.json", "CodeSystem-remote-monitoring.json", "CodeSystem-advisory.json");
		assertThat(npm.listResources("OperationDefinition")).containsExactlyInAnyOrder(
				"OperationDefinition-check-pump-prescription.json",
				"OperationDefinition-opioid-conversion.json", "OperationDefinition-pump-configuration.json",
				"OperationDefinition-manufacturer-export.json", "OperationDefinition-render.json",
				"OperationDefinition-import-waveform.json", "OperationDefinition-submit-for-review.json",
				"OperationDefinition-submit-analysis.json", "OperationDefinition-find-similar.json", "OperationDefinition-monitoring-periods.json",
				"OperationDefinition-device-alert-rates.json", "OperationDefinition-device-longevity.json", "OperationDefinition-lead-performance.json", "OperationDefinition-pump-therapy.json", "OperationDefinition-publish-advisory.json",
				"OperationDefinition-advisory-status.json", "OperationDefinition-publish-information.json");
		assertThat(npm.listResources("SearchParameter")).containsExactlyInAnyOrder(
				"SearchParameter-DiagnosticReport-device.json", "SearchParameter-Task-triage-rank.json",
				"SearchParameter-Device-serial-number.json",
				"SearchParameter-Observation-idco-value.json");
		assertThat(npm.listResources("Basic")).containsExactlyInAnyOrder(TOPICS.stream().map(topic -> "Basic-topic-" + topic + ".json").toArray(String[]::new));
	}

	/**
	 * The package carries each profile's snapshot, as readers expect of a published guide (HAPI's package
	 * installer generates one only for a profile without), made from the differential written by hand:
	 * every element the differential constrains is in the snapshot with the differential's cardinality.
	 */
	@Test
	void everyProfileCarriesTheSnapshotOfItsDifferential() throws IOException {
		NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(OpenImdIg.packageBytes()));
		for (String file : npm.listResources("StructureDefinition")) {
			try (InputStream in = npm.loadResource(file)) {
				StructureDefinition profile = (StructureDefinition) FHIR.newJsonParser().parseResource(in);
				Map<String, ElementDefinition> snapshot = profile.getSnapshot().getElement().stream()
						.collect(Collectors.toMap(ElementDefinition::getId, Function.identity()));

				assertThat(snapshot).as(file).hasSizeGreaterThan(profile.getDifferential().getElement().size());
				for (ElementDefinition constrained : profile.getDifferential().getElement()) {
					ElementDefinition element = snapshot.get(constrained.getId());
					assertThat(element).as(file + " " + constrained.getId()).isNotNull();
					if (constrained.hasMin()) {
						assertThat(element.getMin()).as(file + " " + constrained.getId()).isEqualTo(constrained.getMin());
					}
					if (constrained.hasMax()) {
						assertThat(element.getMax()).as(file + " " + constrained.getId()).isEqualTo(constrained.getMax());
					}
				}
			}
		}
	}

	/**
	 * Each subscription topic is the R4 backport's Basic form of a SubscriptionTopic, valid R4, found by
	 * its canonical URL both as HAPI's topic loader reads it (the extension) and as the package installer
	 * stores it (the identifier). The R5 elements travel as cross-version extensions, whose definitions
	 * (the xver packages) the validator does not hold: only that complaint is let through.
	 */
	@Test
	void subscriptionTopicsAreValidR4AndNamedByTheirCanonicalUrl() throws IOException {
		NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(OpenImdIg.packageBytes()));
		for (String topic : TOPICS) {
			try (InputStream in = npm.loadResource("Basic-topic-" + topic + ".json")) {
				Basic basic = (Basic) FHIR.newJsonParser().parseResource(in);
				String url = "https://openimd.org/fhir/SubscriptionTopic/" + topic;
				assertThat(errors(basic)).as(topic).allMatch(error -> error.getMessageId().equals("Extension_EXT_Version_Invalid"));
				assertThat(basic.getCode().getCodingFirstRep().getCode()).isEqualTo("SubscriptionTopic");
				assertThat(basic.getExtensionByUrl(TOPIC_URL_EXTENSION).getValue().primitiveValue()).isEqualTo(url);
				assertThat(basic.getIdentifierFirstRep().getValue()).isEqualTo(url);
				assertThat(basic.getExtensionsByUrl(TOPIC_TRIGGER_EXTENSION)).as(topic).isNotEmpty();
			}
		}
	}

	@ParameterizedTest
	@MethodSource("examples")
	void exampleConformsToTheProfileItClaims(String theExample) {
		Resource example = example(theExample);

		assertThat(example.getMeta().getProfile()).isNotEmpty();
		assertThat(errors(example)).isEmpty();
	}

	@Test
	void generatorWithoutSerialNumberIsRejected() {
		Device device = (Device) example("Device-implanted-device.json");
		device.setSerialNumber(null);

		assertThat(errors(device)).anySatisfy(error -> assertThat(error.getLocationString()).startsWith("Device"));
	}

	@Test
	void generatorWithoutItsPatientIsRejected() {
		Device device = (Device) example("Device-implanted-device.json");
		device.setPatient(null);

		assertThat(errors(device)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("Device.patient"));
	}

	@Test
	void leadWithoutItsGeneratorIsRejected() {
		Device lead = (Device) example("Device-implanted-lead.json");
		lead.setParent(null);

		assertThat(errors(lead)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("Device.parent"));
	}

	@Test
	void idcoObservationWithoutDeviceOrWithAnotherCodeIsRejected() {
		Observation noDevice = (Observation) example("Observation-idco-observation.json");
		noDevice.setDevice(null);
		Observation otherCode = (Observation) example("Observation-idco-observation.json");
		otherCode.getCode().getCodingFirstRep().setCode("NOT-IDCO");

		assertThat(errors(noDevice)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("Observation.device"));
		assertThat(errors(otherCode)).isNotEmpty();
	}

	@Test
	void aPumpReadingWithoutItsPumpTimeOrVolumesIsRejected() {
		Observation noPump = (Observation) example("Observation-pump-status.json");
		noPump.setDevice(null);
		Observation noTime = (Observation) example("Observation-pump-status.json");
		noTime.setEffective(null);
		Observation noVolumes = (Observation) example("Observation-pump-status.json");
		noVolumes.getComponent().subList(1, noVolumes.getComponent().size()).clear();

		assertThat(errors(noPump)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("Observation.device"));
		assertThat(errors(noTime)).isNotEmpty();
		assertThat(errors(noVolumes)).isNotEmpty();
	}

	@Test
	void componentInstanceMustBeAnInteger() {
		Observation observation = (Observation) example("Observation-idco-observation.json");
		observation.getComponent().get(1).getExtensionFirstRep().setValue(new org.hl7.fhir.r4.model.StringType("one"));

		assertThat(errors(observation)).isNotEmpty();
	}

	@Test
	void reportWithoutTheInterrogatedDeviceIsRejected() {
		DiagnosticReport report = (DiagnosticReport) example("DiagnosticReport-interrogation-report.json");
		report.getExtension().clear();

		assertThat(errors(report)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("interrogatedDevice"));
	}

	@Test
	void anEgmEpisodeWithItsChannelsCodedInTheWaveformCodeSystemConforms() {
		Observation episode = (Observation) example("Observation-ecg-strip.json");
		episode.getCode().getCodingFirstRep().setCode("egm-episode");
		// A real ECG channel stands in for the EGM: none is published outside vendors' exports.
		episode.getComponentFirstRep().getCode().getCodingFirstRep().setSystem("https://openimd.org/fhir/CodeSystem/cardiac-waveform")
				.setCode("egm-v").setDisplay("Ventricular EGM");

		assertThat(errors(episode)).isEmpty();
	}

	@Test
	void aWaveformOfAnotherKindWithoutSamplesInAnotherUnitOrWithAnUncodedChannelIsRejected() {
		Observation otherKind = (Observation) example("Observation-ecg-strip.json");
		otherKind.getCode().getCodingFirstRep().setCode("heart-sounds");
		Observation noSamples = (Observation) example("Observation-ecg-strip.json");
		noSamples.getComponentFirstRep().setValue(new org.hl7.fhir.r4.model.Quantity(600));
		Observation millimetres = (Observation) example("Observation-ecg-strip.json");
		millimetres.getComponentFirstRep().getValueSampledData().getOrigin().setCode("mm");
		Observation interlaced = (Observation) example("Observation-ecg-strip.json");
		interlaced.getComponentFirstRep().getValueSampledData().setDimensions(2);
		Observation uncoded = (Observation) example("Observation-ecg-strip.json");
		uncoded.getComponentFirstRep().getCode().getCodingFirstRep().setSystem("http://loinc.org").setCode("11524-6");

		assertThat(errors(otherKind)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("wf-1"));
		assertThat(errors(noSamples)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("wf-2"));
		assertThat(errors(millimetres)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("wf-3"));
		assertThat(errors(interlaced)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("wf-3"));
		assertThat(errors(uncoded)).extracting(SingleValidationMessage::getMessage).anyMatch(message -> message.contains("wf-4"));
	}

	@Test
	void aReviewGroupSaysWhatItReadsWhetherItsReviewIsOpenAndHowItAssigns() {
		org.hl7.fhir.r4.model.CareTeam group = new org.hl7.fhir.r4.model.CareTeam();
		group.addCategory().addCoding().setSystem("https://openimd.org/fhir/CodeSystem/review").setCode("review-group");
		Extension settings = group.addExtension().setUrl("https://openimd.org/fhir/StructureDefinition/review-group");
		settings.addExtension("reviews", new org.hl7.fhir.r4.model.Coding("https://openimd.org/fhir/CodeSystem/cardiac-waveform", "egm-episode", null));
		settings.addExtension("openReview", new BooleanType(false));
		settings.addExtension("assignment", new CodeType("member"));
		assertThat(errors(group)).isEmpty();

		settings.getExtension().removeIf(extension -> extension.getUrl().equals("reviews"));
		assertThat(errors(group)).as("a group that reads nothing").isNotEmpty();
		settings.addExtension("reviews", new org.hl7.fhir.r4.model.Coding("https://openimd.org/fhir/CodeSystem/cardiac-waveform", "egm-episode", null));
		settings.addExtension("openReview", new StringType("yes"));
		assertThat(errors(group)).isNotEmpty();
	}

	@Test
	void operationDefinitionsAreValidR4() throws IOException {
		NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(OpenImdIg.packageBytes()));
		for (String file : List.of("OperationDefinition-check-pump-prescription.json", "OperationDefinition-opioid-conversion.json",
				"OperationDefinition-pump-configuration.json", "OperationDefinition-manufacturer-export.json", "OperationDefinition-render.json",
				"OperationDefinition-import-waveform.json", "OperationDefinition-submit-for-review.json",
				"OperationDefinition-submit-analysis.json", "OperationDefinition-find-similar.json", "OperationDefinition-monitoring-periods.json",
				"OperationDefinition-device-alert-rates.json", "OperationDefinition-device-longevity.json", "OperationDefinition-lead-performance.json", "OperationDefinition-pump-therapy.json", "OperationDefinition-publish-advisory.json",
				"OperationDefinition-advisory-status.json", "OperationDefinition-publish-information.json", "CodeSystem-review.json", "CodeSystem-cardiac-waveform.json", "CodeSystem-advisory.json")) {
			try (InputStream in = npm.loadResource(file)) {
				assertThat(errors((Resource) FHIR.newJsonParser().parseResource(in))).as(file).isEmpty();
			}
		}
	}

	@Test
	void intrathecalTherapyCarriesOnlyItsNamedCircumstancesWithTheirTypes() {
		MedicationRequest request = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setSubject(new Reference("Patient/1"))
				.setMedication(new CodeableConcept().setText("ziconotide 25 ug/mL"));
		Extension therapy = request.addExtension().setUrl("https://openimd.org/fhir/StructureDefinition/intrathecal-therapy");
		therapy.addExtension("firstFillOfNaivePump", new BooleanType(true));
		therapy.addExtension("spasticityOrigin", new CodeType("spinal"));
		assertThat(errors(request)).isEmpty();

		therapy.addExtension("initiation", new StringType("yes"));
		assertThat(errors(request)).isNotEmpty();
		therapy.getExtension().removeIf(extension -> extension.getUrl().equals("initiation"));
		therapy.addExtension("daysToLive", new BooleanType(true));
		assertThat(errors(request)).isNotEmpty();
	}

	private static List<SingleValidationMessage> errors(Resource theResource) {
		return VALIDATOR.validateWithResult(theResource).getMessages().stream()
				.filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.toList();
	}

	private static Resource example(String theName) {
		try (InputStream in = OpenImdIgTest.class.getResourceAsStream("/examples/" + theName)) {
			return (Resource) FHIR.newJsonParser().parseResource(in);
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}
}
