package org.openimd.mappers.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.openimd.mappers.idco.TransactionEntries.entryOf;
import static org.openimd.mappers.idco.TransactionEntries.resources;
import static org.openimd.mappers.idco.TransactionEntries.single;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openimd.ig.OpenImdIg;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;

class IdcoOruMapperTest {

	private static final Instant RECEIVED = Instant.parse("2026-11-21T12:00:00Z");
	private static final FhirValidator VALIDATOR = OpenImdIg.newValidator(FhirContext.forR4Cached());
	private static final IdcoOruMapper MAPPER = new IdcoOruMapper(IdcoTermTable.load(), ZoneId.of("Europe/Vienna"));

	@Nested
	class StJudeIcdRemoteAf {

		private final IdcoMapping mapping = map(fixture("sjm-icd-remote-af.hl7"));

		@Test
		void generatorIsTheStJudeIcdWithItsModelSerialAndType() {
			Device generator = generator(mapping.transaction());

			assertThat(generator.getIdentifierFirstRep().getValue()).isEqualTo("STJ/CD2215-36/9925119");
			assertThat(generator.getModelNumber()).isEqualTo("CD2215-36");
			assertThat(generator.getSerialNumber()).isEqualTo("9925119");
			assertThat(generator.getType().getCodingFirstRep().getCode()).isEqualTo("753666");
			assertThat(generator.getType().getCodingFirstRep().getDisplay()).isEqualTo("MDC_IDC_ENUM_DEV_TYPE_ICD");
			assertThat(entryOf(mapping.transaction(), generator).getRequest().getUrl())
					.isEqualTo("Device?identifier=" + IdcoOruMapper.token(OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER, "STJ/CD2215-36/9925119"));
		}

		@Test
		void patientIsMatchedOnTheDeviceBasedIdentifierAndTheClinicNumber() {
			Patient patient = single(mapping.transaction(), Patient.class);

			assertThat(patient.getIdentifier())
					.extracting(identifier -> identifier.getSystem(), identifier -> identifier.getValue())
					.containsExactly(
							tuple(OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "STJ/U", "model:CD2215-36/serial:9925119"),
							tuple(OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "iCARDEA/SS", "190"));
			assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1953-04-22");
			assertThat(patient.getGender()).isEqualTo(AdministrativeGender.MALE);
			assertThat(entryOf(mapping.transaction(), patient).getRequest().getIfNoneExist())
					.contains("model%3ACD2215-36%2Fserial%3A9925119").contains("%7C190");
		}

		@Test
		void reportIsTheRemoteScheduledSessionOfThatDay() {
			DiagnosticReport report = single(mapping.transaction(), DiagnosticReport.class);

			assertThat(report.getIdentifierFirstRep().getValue()).isEqualTo("STJ/CD2215-36/9925119/654321");
			assertThat(report.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("754053");
			// 20100322101007 has no offset; the sender's zone (Vienna, CET in March) is assumed.
			assertThat(report.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2010-03-22T10:10:07+01:00");
			assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
			assertThat(report.getCode().getText()).isEqualTo("Remote Follow-up");
		}

		@Test
		void everyObxIsAComponentWithItsInstance() {
			Observation idco = single(mapping.transaction(), Observation.class);

			assertThat(idco.getComponent()).hasSize(9);
			assertThat(components(idco, "739568"))
					.extracting(IdcoOruMapperTest::instance, component -> component.getValueCodeableConcept().getCodingFirstRep().getCode())
					.containsExactly(tuple(Optional.of(1), "Epis_AT_AF"), tuple(Optional.of(2), "Epis_SVT"));
			Quantity shocks = components(idco, "737824").get(0).getValueQuantity();
			assertThat(shocks.getValue()).isEqualByComparingTo("0");
			assertThat(shocks.getCode()).isEqualTo("{shocks}");
		}

		@Test
		void mistypedCodingSystemAndUnknownMnemonicsAreReportedNotDropped() {
			assertThat(mapping.issues())
					.extracting(MappingIssue::openImdCode, issue -> issue.location().toString())
					.contains(tuple("OPENIMD-1102", "OBX[7]-3"), tuple("OPENIMD-1104", "OBX[7]-5"), tuple("OPENIMD-1104", "OBX[8]-5"));
		}
	}

	@Nested
	class MedtronicIcdWithThreeEgms {

		private final IdcoMapping mapping = map(fixture("mdt-icd-vt-3egm-pdf.hl7"));

		@Test
		void generatorComesFromMnemonicsAndTheSessionFromItsTime() {
			Device generator = generator(mapping.transaction());
			DiagnosticReport report = single(mapping.transaction(), DiagnosticReport.class);

			assertThat(generator.getIdentifierFirstRep().getValue()).isEqualTo("MDT/Maximo/D284DRG");
			assertThat(generator.getManufacturer()).isEqualTo("Medtronic");
			assertThat(generator.getType().getText()).isEqualTo("Implantable Cardioverter-Defibrillator");
			// OBR-3 is empty: the session time identifies the interrogation.
			assertThat(report.getIdentifierFirstRep().getValue()).isEqualTo("MDT/Maximo/D284DRG/session-20101126080000");
			assertThat(report.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("754051");
		}

		@Test
		void eachEgmPdfIsADocumentOfItsEpisode() {
			List<DocumentReference> egms = resources(mapping.transaction(), DocumentReference.class);

			assertThat(egms)
					.extracting(
							egm -> ((IntegerType) egm.getExtensionByUrl(OpenImdUris.IDCO_INSTANCE_EXTENSION).getValue()).getValue(),
							egm -> egm.getContentFirstRep().getAttachment().getData().length,
							egm -> egm.getContentFirstRep().getAttachment().getContentType())
					.containsExactly(
							tuple(1, 107486, "application/pdf"),
							tuple(2, 193161, "application/pdf"),
							tuple(3, 102140, "application/pdf"));
			assertThat(egms.get(0).getContentFirstRep().getAttachment().getData()).startsWith("%PDF-1.4".getBytes(StandardCharsets.US_ASCII));
			assertThat(egms.get(0).getDescription()).isEqualTo("Behandelte VTVF Episode Nr. 7992_1");
			assertThat(egms.get(0).getContext().getRelated()).hasSize(2);
		}

		@Test
		void valuesOtherThanAttachmentsAreComponents() {
			Observation idco = single(mapping.transaction(), Observation.class);

			assertThat(idco.getComponent()).hasSize(16);
			Quantity raAmplitude = components(idco, "729984").get(0).getValueQuantity();
			assertThat(raAmplitude.getValue()).isEqualByComparingTo("3.50");
			assertThat(raAmplitude.getUnit()).isEqualTo("V");
			assertThat(components(idco, "739696").get(0).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("755137");
		}

		@Test
		void provenanceNamesDeviceAndSenderAndKeepsTheRawMessage() {
			Provenance provenance = single(mapping.transaction(), Provenance.class);
			Binary raw = single(mapping.transaction(), Binary.class);

			assertThat(provenance.getAgent()).extracting(agent -> agent.getType().getCodingFirstRep().getCode())
					.containsExactly("author", "assembler");
			assertThat(provenance.getEntityFirstRep().getWhat().getReference()).isEqualTo(entryOf(mapping.transaction(), raw).getFullUrl());
			assertThat(raw.getData()).isEqualTo(fixture("mdt-icd-vt-3egm-pdf.hl7"));
			assertThat(provenance.getTarget()).hasSize(2 + 2 + 3);
		}
	}

	@Nested
	class IheStyleBiotronikCrtd {

		private final IdcoMapping mapping = map(fixture("ihe-style-biotronik-crtd-full.hl7"));

		@Test
		void crtdWithThreeLeadsEachAChildOfTheGenerator() {
			Bundle transaction = mapping.transaction();
			Device generator = generator(transaction);
			String generatorUrn = entryOf(transaction, generator).getFullUrl();

			assertThat(generator.getIdentifierFirstRep().getValue()).isEqualTo("BIO/Device Model Name/5867463524");
			assertThat(generator.getType().getCodingFirstRep().getCode()).isEqualTo("753667");
			assertThat(leads(transaction))
					.extracting(Device::getSerialNumber, lead -> lead.getParent().getReference(), Device::getManufacturer)
					.containsExactly(
							tuple("1234567812", generatorUrn, "St.Jude Medical"),
							tuple("1234567813", generatorUrn, "St.Jude Medical"),
							tuple("1234567814", generatorUrn, "St.Jude Medical"));
		}

		@Test
		void all292ValuesAreKeptWithEpisodesGroupedByInstance() {
			Observation idco = single(mapping.transaction(), Observation.class);

			assertThat(idco.getComponent()).hasSize(292);
			assertThat(components(idco, "739536")).extracting(IdcoOruMapperTest::instance)
					.containsExactly(Optional.of(1), Optional.of(2));
			assertThat(components(idco, "722433").get(0).getValueQuantity().getCode()).isEqualTo("Ohm");
		}

		@Test
		void itsManyWarningsReadAsOnePerDistinctIssueWithHowOften() {
			List<MappingIssue> grouped = MappingIssues.grouped(mapping.issues());

			assertThat(grouped.size()).as("fewer than the %d issues", mapping.issues().size()).isLessThan(mapping.issues().size());
			assertThat(grouped).extracting(issue -> issue.openImdCode() + issue.text().replaceFirst(" \\(\\d+ times, first at .*\\)$", ""))
					.as("each distinct issue once").doesNotHaveDuplicates();
			int counted = grouped.stream().mapToInt(issue -> {
				java.util.regex.Matcher times = java.util.regex.Pattern.compile("\\((\\d+) times, first at ").matcher(issue.text());
				return times.find() ? Integer.parseInt(times.group(1)) : 1;
			}).sum();
			assertThat(counted).as("every issue counted").isEqualTo(mapping.issues().size());
		}

		@Test
		void timestampsSentAsNumbersAreReadAsTheDateTimesTheirTermsAre() {
			Observation idco = single(mapping.transaction(), Observation.class);

			assertThat(components(idco, "738017").get(0).getValueDateTimeType().getValueAsString())
					.isEqualTo("2009-05-01T00:00:00+02:00");
			assertThat(mapping.issues()).filteredOn(issue -> issue.openImdCode().equals("OPENIMD-1202")).hasSize(4);
		}

		@Test
		void misspelledTermIsMatchedByItsCode() {
			Observation idco = single(mapping.transaction(), Observation.class);

			assertThat(components(idco, "737921").get(0).getCode().getCodingFirstRep().getDisplay())
					.isEqualTo("MDC_IDC_STAT_TACHYTHERAPY_TOTAL_DTM_START");
		}
	}

	@Nested
	class Rejections {

		private final String message = new String(fixture("sjm-icd-remote-af.hl7"), StandardCharsets.ISO_8859_1);

		@Test
		void otherMessageTypeIsRejectedAsUnsupported() {
			String adt = message.replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01");

			assertThatThrownBy(() -> mapOrReject(adt))
					.isInstanceOfSatisfying(MessageRejectedException.class, rejected -> {
						assertThat(rejected.disposition()).isEqualTo(Disposition.REJECT);
						assertThat(rejected.hl7ErrorCode()).isEqualTo(Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE);
						assertThat(rejected.location().toErl()).isEqualTo("MSH^1^9^1");
					});
		}

		@Test
		void messageWithoutPidIsAnError() {
			String noPid = message.replaceAll("PID\\|[^\\r]*\\r\\n", "");

			assertThatThrownBy(() -> mapOrReject(noPid))
					.isInstanceOfSatisfying(MessageRejectedException.class, rejected -> {
						assertThat(rejected.disposition()).isEqualTo(Disposition.ERROR);
						assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1006");
					});
		}

		@Test
		void nonNumericNmValueNamesItsObx() {
			String bad = message.replace("|1|0|{shocks}|", "|1|zero|{shocks}|");

			assertThatThrownBy(() -> mapOrReject(bad))
					.isInstanceOfSatisfying(MessageRejectedException.class, rejected -> {
						assertThat(rejected.hl7ErrorCode()).isEqualTo(Hl7ErrorCode.DATA_TYPE_ERROR);
						assertThat(rejected.location().toErl()).isEqualTo("OBX^9^5^1");
						assertThat(rejected).hasMessageContaining("'zero' is not a number");
					});
		}

		@Test
		void instanceThatIsNotANumberIsAnError() {
			String bad = message.replace("MDC_IDC_EPISODE_TYPE^MDC|2|", "MDC_IDC_EPISODE_TYPE^MDC|two|");

			assertThatThrownBy(() -> mapOrReject(bad))
					.isInstanceOfSatisfying(MessageRejectedException.class,
							rejected -> assertThat(rejected.location().toErl()).isEqualTo("OBX^8^4^1"));
		}

		@Test
		void truncatedEgmBase64IsAnErrorAtTheAttachment() {
			String egm = new String(fixture("mdt-icd-vt-3egm-pdf.hl7"), StandardCharsets.ISO_8859_1);
			int start = egm.indexOf("Base64^", egm.indexOf("OBX|18|")) + "Base64^".length();
			String truncated = egm.substring(0, start + 1001) + egm.substring(egm.indexOf('|', start));

			assertThatThrownBy(() -> mapOrReject(truncated))
					.isInstanceOfSatisfying(MessageRejectedException.class, rejected -> {
						assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1302");
						assertThat(rejected.location().toErl()).isEqualTo("OBX^18^5^1^5");
					});
		}

		@Test
		void egmWithCharactersOutsideBase64IsAnError() {
			String egm = new String(fixture("mdt-icd-vt-3egm-pdf.hl7"), StandardCharsets.ISO_8859_1)
					.replace("Base64^JVBERi0xLjQK", "Base64^JVBERi0x*jQK");

			assertThatThrownBy(() -> mapOrReject(egm))
					.isInstanceOfSatisfying(MessageRejectedException.class,
							rejected -> assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1302"));
		}

		@Test
		void textThatIsNotHl7IsRejected() {
			assertThatThrownBy(() -> mapOrReject("hello, this is not HL7"))
					.isInstanceOfSatisfying(MessageRejectedException.class,
							rejected -> assertThat(rejected.disposition()).isEqualTo(Disposition.REJECT));
		}

		@Test
		void truncatedMessageStillNamesWhatIsMissing() {
			String truncated = message.substring(0, message.indexOf("OBR|"));

			assertThatThrownBy(() -> mapOrReject(truncated))
					.isInstanceOfSatisfying(MessageRejectedException.class,
							rejected -> assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1007"));
		}
	}

	@ParameterizedTest
	@ValueSource(strings = {IdcoFixtures.STJUDE_ICD, IdcoFixtures.MEDTRONIC_ICD_3_EGMS, IdcoFixtures.IHE_BIOTRONIK_CRTD})
	void everyFixtureBecomesATransactionThatConformsToTheGuide(String theFixture) {
		Bundle transaction = map(fixture(theFixture)).transaction();

		List<SingleValidationMessage> errors = VALIDATOR.validateWithResult(transaction).getMessages().stream()
				.filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.toList();

		assertThat(errors).as(theFixture).isEmpty();
		assertThat(resources(transaction, Observation.class)).allSatisfy(idco ->
				assertThat(idco.getMeta().getProfile()).extracting(profile -> profile.getValue()).containsExactly(OpenImdUris.IDCO_OBSERVATION_PROFILE));
	}

	/** How real exports write IHE's device-based patient identifier: the case, spaces in the model name and around the separators. */
	@ParameterizedTest
	@ValueSource(strings = {"MODEL:Maximo II DR/SERIAL:PZC123456", "model:Maximo II DR/serial:PZC123456", "Model: Maximo II DR / Serial: PZC123456",
			"MODEL:Maximo II DR/serial:PZC123456 "})
	void aHeaderOnlyExportFindsItsPatientAndDeviceByTheDeviceIdentifierWrittenAnyWay(String theDeviceIdentifier) {
		String message = String.join("\r",
				"MSH|^~\\&|PACEART|CLINIC|||20240105120000||ORU^R01^ORU_R01|PA-HDR-1|P|2.5",
				"PID|||" + theDeviceIdentifier + "^^^MDT^U~4711^^^CLINIC^MR||Doe^Jane||19600101|F",
				"OBR|1||PA-HDR-1|Remote|||20240105100000|||||||||||||||||F",
				"OBX|1|DTM|721025^MDC_IDC_SESS_DTM^MDC|1|20240105100000||||||F") + "\r";

		IdcoMapping mapping = map(message);

		Device generator = generator(mapping.transaction());
		assertThat(generator.getModelNumber()).isEqualTo("Maximo II DR");
		assertThat(generator.getSerialNumber()).isEqualTo("PZC123456");
		assertThat(generator.getIdentifierFirstRep().getValue()).isEqualTo("MDT/Maximo II DR/PZC123456");
		assertThat(single(mapping.transaction(), Patient.class).getIdentifier()).extracting(identifier -> identifier.getValue())
				.contains(theDeviceIdentifier.strip(), "4711");
		assertThat(single(mapping.transaction(), DiagnosticReport.class).getEffectiveDateTimeType().getValueAsString()).startsWith("2024-01-05");
	}

	@Test
	void theGuideCatchesAGeneratorThatBreaksItsProfileInsideTheTransaction() {
		Bundle transaction = map(fixture(IdcoFixtures.STJUDE_ICD)).transaction();
		generator(transaction).setSerialNumber(null);

		assertThat(VALIDATOR.validateWithResult(transaction).getMessages())
				.anySatisfy(message -> {
					assertThat(message.getSeverity()).isEqualTo(ResultSeverityEnum.ERROR);
					assertThat(message.getMessage()).contains("Device.serialNumber");
				});
	}

	@Test
	void preliminaryResultsMakeReportAndObservationPreliminary() {
		// OBR-25, the last field of the fixture's OBR, is F; P marks results that are not final yet.
		String preliminary = IdcoFixtures.text(IdcoFixtures.STJUDE_ICD).replace("|||||||||||||||||F\r", "|||||||||||||||||P\r");

		Bundle transaction = map(preliminary).transaction();

		assertThat(single(transaction, DiagnosticReport.class).getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
		assertThat(single(transaction, Observation.class).getStatus()).isEqualTo(Observation.ObservationStatus.PRELIMINARY);
	}

	@Test
	void hl7Version26MessageMapsLikeItsVersion25Original() {
		String v26 = IdcoFixtures.text(IdcoFixtures.STJUDE_ICD).replace("|P|2.5", "|P|2.6");

		IdcoMapping mapping = map(v26);

		assertThat(mapping.header().version()).isEqualTo("2.6");
		assertThat(single(mapping.transaction(), Observation.class).getComponent()).hasSize(9);
	}

	@Test
	void unknownMdcCodeIsKeptAsAComponentAndReported() {
		String withUnknown = IdcoFixtures.text(IdcoFixtures.STJUDE_ICD)
				.replace("OBX|9|NM|737824^MDC_IDC_STAT_TACHYTHERAPY_SHOCKS_DELIVERED_RECENT^MDC", "OBX|9|NM|799999^MDC_IDC_VENDOR_PRIVATE_COUNTER^MDC");

		IdcoMapping mapping = map(withUnknown);

		assertThat(components(single(mapping.transaction(), Observation.class), "799999")).singleElement()
				.satisfies(component -> {
					assertThat(component.getCode().getCodingFirstRep().getDisplay()).isEqualTo("MDC_IDC_VENDOR_PRIVATE_COUNTER");
					assertThat(component.getValueQuantity().getValue()).isEqualByComparingTo("0");
				});
		assertThat(mapping.issues()).extracting(MappingIssue::openImdCode, issue -> issue.location().toString())
				.contains(tuple("OPENIMD-1101", "OBX[9]-3"));
	}

	@Test
	void monitorNamedInObx18IsADeviceAndAPerformerOfTheInterrogation() {
		String fromMonitor = IdcoFixtures.text(IdcoFixtures.STJUDE_ICD).replace("|F|||20100322101010", "|F|||20100322101010||||MERLIN-AT-HOME-4711");

		Bundle transaction = map(fromMonitor).transaction();

		Device monitor = resources(transaction, Device.class).stream()
				.filter(device -> device.getType().getText() != null && device.getType().getText().startsWith("Monitor"))
				.findFirst().orElseThrow();
		assertThat(monitor.getIdentifierFirstRep().getValue()).isEqualTo("STJ/MERLIN-AT-HOME-4711");
		assertThat(single(transaction, Provenance.class).getAgent())
				.filteredOn(agent -> agent.getType().getCodingFirstRep().getCode().equals("performer"))
				.extracting(agent -> agent.getWho().getReference())
				.containsExactly(entryOf(transaction, monitor).getFullUrl());
	}

	@Test
	void segmentSeparatorsDoNotChangeTheResult() {
		String crlf = new String(fixture("sjm-icd-remote-af.hl7"), StandardCharsets.ISO_8859_1);

		IdcoMapping withLf = map(crlf.replace("\r\n", "\n"));
		IdcoMapping withCr = map(crlf.replace("\r\n", "\r"));

		assertThat(single(withLf.transaction(), Observation.class).getComponent()).hasSize(9);
		assertThat(single(withCr.transaction(), Observation.class).getComponent()).hasSize(9);
	}

	@Test
	void whatAnInterrogationMayChangeIsAConditionalUpdateAndWhatItNeverChangesAConditionalCreate() {
		Bundle transaction = map(fixture("ihe-style-biotronik-crtd-full.hl7")).transaction();

		assertThat(transaction.getEntry())
				.filteredOn(entry -> entry.getRequest().getMethod() == HTTPVerb.POST)
				.extracting(entry -> entry.getResource().fhirType())
				.containsExactlyInAnyOrder("Patient", "Device", "Binary", "Provenance");
		assertThat(transaction.getEntry())
				.filteredOn(entry -> entry.getRequest().getMethod() == HTTPVerb.POST && entry.getResource() instanceof Device)
				.singleElement().satisfies(application -> {
					assertThat(((Device) application.getResource()).getIdentifierFirstRep().getSystem()).isEqualTo(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER);
					assertThat(application.getRequest().getIfNoneExist()).startsWith("identifier=");
				});
		assertThat(transaction.getEntry())
				.filteredOn(entry -> entry.getRequest().getMethod() == HTTPVerb.PUT)
				.allSatisfy(entry -> assertThat(entry.getRequest().getUrl()).contains("?identifier="));
	}

	private static Device generator(Bundle theTransaction) {
		return resources(theTransaction, Device.class).stream()
				.filter(device -> device.getParent().isEmpty() && device.hasSerialNumber())
				.findFirst()
				.orElseThrow();
	}

	private static List<Device> leads(Bundle theTransaction) {
		return resources(theTransaction, Device.class).stream().filter(device -> !device.getParent().isEmpty()).toList();
	}

	private static List<ObservationComponentComponent> components(Observation theIdco, String theCode) {
		return theIdco.getComponent().stream()
				.filter(component -> component.getCode().getCodingFirstRep().getCode().equals(theCode))
				.toList();
	}

	private static Optional<Integer> instance(ObservationComponentComponent theComponent) {
		return Optional.ofNullable(theComponent.getExtensionByUrl(OpenImdUris.IDCO_INSTANCE_EXTENSION))
				.map(extension -> ((IntegerType) extension.getValue()).getValue());
	}

	static IdcoMapping map(String theMessage) {
		return map(theMessage.getBytes(StandardCharsets.ISO_8859_1));
	}

	static IdcoMapping mapOrReject(String theMessage) throws MessageRejectedException {
		return MAPPER.map(theMessage.getBytes(StandardCharsets.ISO_8859_1), RECEIVED);
	}

	static IdcoMapping map(byte[] theMessage) {
		try {
			return MAPPER.map(theMessage, RECEIVED);
		} catch (MessageRejectedException e) {
			throw new IllegalStateException(e);
		}
	}

	static byte[] fixture(String theName) {
		return IdcoFixtures.bytes(theName);
	}
}
