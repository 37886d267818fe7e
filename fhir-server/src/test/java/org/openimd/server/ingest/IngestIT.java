package org.openimd.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.openimd.mappers.idco.IdcoFixtures.IHE_BIOTRONIK_CRTD;
import static org.openimd.mappers.idco.IdcoFixtures.MEDTRONIC_ICD_3_EGMS;
import static org.openimd.mappers.idco.IdcoFixtures.STJUDE_ICD;
import static org.openimd.mappers.idco.IdcoFixtures.text;
import static org.openimd.mappers.idco.IdcoFixtures.withControlId;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.PlantedFailure;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;

class IngestIT extends BaseServerIT {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final int NEW_SENDERS = 8;
	private static final int CONCURRENT_FIRST_MESSAGES = 6;

	private final HttpClient myHttp = HttpClient.newHttpClient();

	@Autowired
	private MllpServer myMllp;

	@Autowired
	private IInterceptorService storage;

	@Test
	void interrogationPostedOverHttpIsAcknowledgedAfterItsFhirDataIsStored() throws Exception {
		String controlId = unique();

		String ack = postHl7v2(withControlId(text(STJUDE_ICD), controlId));

		assertThat(ack).contains("MSA|AA|" + controlId);
		Device generator = implantedDevice("STJ/CD2215-36/9925119");
		assertThat(generator.getModelNumber()).isEqualTo("CD2215-36");
		DiagnosticReport report = single(client.search().forResource(DiagnosticReport.class)
				.where(DiagnosticReport.IDENTIFIER.exactly().systemAndCode(OpenImdUris.INTERROGATION_IDENTIFIER, "STJ/CD2215-36/9925119/654321"))
				.returnBundle(Bundle.class).execute(), DiagnosticReport.class);
		assertThat(report.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("754053");
		Observation idco = client.read().resource(Observation.class).withUrl(report.getResultFirstRep().getReference()).execute();
		assertThat(idco.getComponent()).hasSize(9);
		assertThat(idco.getDevice().getReference()).isEqualTo(generator.getIdElement().toUnqualifiedVersionless().getValue());

		AuditEvent imported = importOf(controlId);
		assertThat(imported.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._0);
		assertThat(imported.getAction()).isEqualTo(AuditEvent.AuditEventAction.C);
		assertThat(imported.getSubtypeFirstRep().getCode()).isEqualTo("ORU_R01");
		assertThat(imported.getAgent()).filteredOn(AuditEvent.AuditEventAgentComponent::getRequestor).singleElement().satisfies(sender -> {
			assertThat(sender.getWho().getIdentifier().getSystem()).isEqualTo(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER);
			assertThat(sender.getNetwork().getAddress()).isNotBlank();
		});
		assertThat(imported.getEntity()).extracting(entity -> entity.getWhat().getReference()).contains(generator.getPatient().getReference());
	}

	/** The AuditEvent of the message {@code theControlId}: every message received is one, an import by its sender. */
	private AuditEvent importOf(String theControlId) {
		return auditEventsEventually("type=http://dicom.nema.org/resources/ontology/DCM|110107",
				event -> event.getOutcomeDesc() != null && event.getOutcomeDesc().contains("(" + theControlId + ")")).get(0);
	}

	@Test
	void largeMessageWithThreeEgmPdfsOverMllpBecomesThreeDocuments() throws Exception {
		String controlId = unique();

		String ack;
		try (MllpClient sender = new MllpClient(myMllp.localPort())) {
			ack = sender.send(withControlId(text(MEDTRONIC_ICD_3_EGMS), controlId).getBytes(StandardCharsets.ISO_8859_1));
		}

		assertThat(ack).contains("MSA|AA|" + controlId);
		Device generator = implantedDevice("MDT/Maximo/D284DRG");
		Bundle documents = client.search().forResource(DocumentReference.class)
				.where(DocumentReference.SUBJECT.hasId(generator.getPatient().getReferenceElement()))
				.returnBundle(Bundle.class).execute();
		assertThat(documents.getEntry()).hasSize(3)
				.allSatisfy(entry -> assertThat(((DocumentReference) entry.getResource()).getContentFirstRep().getAttachment().getContentType())
						.isEqualTo("application/pdf"));
	}

	@Test
	void sameMessageSentTwiceIsAcknowledgedTwiceAndStoredOnce() throws Exception {
		String controlId = unique();
		String message = withControlId(text(IHE_BIOTRONIK_CRTD), controlId);
		assertThat(postHl7v2(message)).contains("MSA|AA|" + controlId);
		DiagnosticReport report = reportOf("BIO/Device Model Name/5867463524/123456");
		int provenancesAfterFirst = provenancesOf(report);

		String second = postHl7v2(message);

		assertThat(second).contains("MSA|AA|" + controlId);
		assertThat(provenancesOf(report)).isEqualTo(provenancesAfterFirst);
		assertThat(reportOf("BIO/Device Model Name/5867463524/123456").getMeta().getVersionId()).isEqualTo(report.getMeta().getVersionId());
		assertThat(countMessages("accepted", controlId)).isEqualTo(1);
		assertThat(countMessages("duplicate", controlId)).isEqualTo(1);
	}

	private int provenancesOf(DiagnosticReport theReport) {
		return client.search().forResource(Provenance.class)
				.where(Provenance.TARGET.hasId(theReport.getIdElement().toUnqualifiedVersionless()))
				.returnBundle(Bundle.class).execute().getEntry().size();
	}

	@Test
	void laterInterrogationOfTheSameDeviceAddsAReportButNoPatientOrDevice() throws Exception {
		String serial = "LATER" + UUID.randomUUID().toString().substring(0, 8);
		// A patient of its own: the example's SS number 190 would match the patient of every other test.
		String first = withControlId(text(STJUDE_ICD), unique()).replace("9925119", serial).replace("~190^", "~" + serial + "^");
		String later = withControlId(first, unique()).replace("|654321|", "|654999|").replace("|20100322101007|", "|20100622101007|");

		assertThat(postHl7v2(first)).contains("MSA|AA|");
		assertThat(postHl7v2(later)).contains("MSA|AA|");

		Device generator = implantedDevice("STJ/CD2215-36/" + serial);
		Bundle patients = client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().systemAndIdentifier(OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "STJ/U",
						"model:CD2215-36/serial:" + serial))
				.returnBundle(Bundle.class).execute();
		assertThat(patients.getEntry()).hasSize(1);
		Bundle devicesOfPatient = client.search().forResource(Device.class)
				.where(Device.PATIENT.hasId(generator.getPatient().getReferenceElement())).returnBundle(Bundle.class).execute();
		assertThat(devicesOfPatient.getEntry()).hasSize(1);
		// The interrogations' measurements, not the device's other Observations (its connectivity status).
		Bundle trend = client.search().forResource(Observation.class)
				.where(Observation.DEVICE.hasId(generator.getIdElement().toUnqualifiedVersionless()))
				.and(Observation.CODE.exactly().systemAndCode(OpenImdUris.CARDX_CIED_CODE_SYSTEM, OpenImdUris.CARDX_IDCO))
				.sort().descending(Observation.DATE)
				.returnBundle(Bundle.class).execute();
		assertThat(trend.getEntry()).extracting(entry -> ((Observation) entry.getResource()).getEffectiveDateTimeType().getYear() + "-"
						+ (((Observation) entry.getResource()).getEffectiveDateTimeType().getMonth() + 1))
				.containsExactly("2010-6", "2010-3");
	}

	/**
	 * The first messages of a new sender, arriving at once, all find no Device for its application and
	 * would each create one; once a second copy exists, every later message of that sender is refused
	 * (two resources match its conditional update). HAPI's guard against this lasts only until the first
	 * copy is next updated, which another of the messages does at once.
	 */
	@Test
	void firstMessagesOfANewSenderArrivingTogetherMakeOneDeviceForItsApplication() throws Exception {
		IdcoMessageGenerator generator = new IdcoMessageGenerator(IdcoTermTable.load(), "RACE" + UUID.randomUUID().toString().substring(0, 6).toUpperCase());
		ExecutorService senders = Executors.newFixedThreadPool(CONCURRENT_FIRST_MESSAGES);
		try {
			for (int round = 0; round < NEW_SENDERS; round++) {
				String application = "RACE-" + UUID.randomUUID().toString().substring(0, 8);
				List<Future<String>> acks = new ArrayList<>();
				for (int message = 0; message < CONCURRENT_FIRST_MESSAGES; message++) {
					String interrogation = generator.interrogation(round * 100 + message, 0).replaceFirst("^MSH\\|\\^~\\\\&\\|[^|]*\\|[^|]*\\|", "MSH|^~\\\\&|" + application + "|CLINIC|");
					acks.add(senders.submit(() -> postHl7v2(interrogation)));
				}
				for (Future<String> ack : acks) {
					assertThat(ack.get()).contains("MSA|AA|");
				}
				Bundle devices = client.search().forResource(Device.class)
						.where(Device.IDENTIFIER.exactly().systemAndIdentifier(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER, application + "^CLINIC"))
						.returnBundle(Bundle.class).execute();
				assertThat(devices.getEntry()).as("Devices of the sending application " + application).hasSize(1);
			}
		} finally {
			senders.shutdownNow();
		}
	}

	@Test
	void rejectedMessageNamesTheFieldWritesNoFhirDataAndIsKeptRaw() throws Exception {
		String patientId = "REJ-" + UUID.randomUUID();
		String controlId = unique();
		String bad = withControlId(text(STJUDE_ICD), controlId).replace("~190^^^iCARDEA^SS", "~" + patientId + "^^^iCARDEA^SS")
				.replace("|1|0|{shocks}|", "|1|none|{shocks}|");

		String ack = postHl7v2(bad);

		assertThat(ack).contains("MSA|AE|" + controlId).contains("ERR||OBX^9^5^1|102^Data type error^HL70357|E|OPENIMD-1201");
		assertThat(client.search().forResource(Patient.class)
				.where(Patient.IDENTIFIER.exactly().code(patientId)).returnBundle(Bundle.class).execute().getEntry()).isEmpty();
		JsonNode rejected = messages("rejected", controlId).stream().findFirst().orElseThrow();
		assertThat(rejected.get("error").asText()).startsWith("OPENIMD-1201");
		HttpResponse<byte[]> raw = myHttp.send(authorized("/ingest/messages/" + rejected.get("id").asLong() + "/raw").build(),
				HttpResponse.BodyHandlers.ofByteArray());
		assertThat(raw.body()).isEqualTo(bad.getBytes(StandardCharsets.ISO_8859_1));

		AuditEvent imported = importOf(controlId);
		assertThat(imported.getOutcome()).isEqualTo(AuditEvent.AuditEventOutcome._4);
		assertThat(imported.getOutcomeDesc()).startsWith("REJECTED ORU^R01");
		assertThat(imported.getEntity()).singleElement().satisfies(message -> assertThat(message.getWhat().getIdentifier().getValue())
				.isEqualTo(rejected.get("id").asText()));
	}

	@Test
	void aRealExportsNoteAfterPv1IsAcceptedWithAWarningAndItsObrRead() throws Exception {
		String controlId = unique();
		String clinicId = "NTE-" + UUID.randomUUID();
		String message = withControlId(text(STJUDE_ICD), controlId)
				.replace("model:CD2215-36/serial:9925119", "MODEL:CD2215-36/SERIAL:NTE" + UUID.randomUUID().toString().substring(0, 8))
				.replace("~190^^^iCARDEA^SS", "~" + clinicId + "^^^iCARDEA^SS")
				.replaceFirst("(PID\\|[^\\r\\n]*)(\\r\\n|\\r|\\n)", "$1$2PV1|1|R$2NTE|1||exported by the clinic$2");

		String ack = postHl7v2(message);

		assertThat(ack).contains("MSA|AA|" + controlId).contains("OPENIMD-1014").contains("NTE segment is not read");
		Patient patient = single(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().code(clinicId))
				.returnBundle(Bundle.class).execute(), Patient.class);
		assertThat(client.search().forResource(DiagnosticReport.class).where(DiagnosticReport.SUBJECT.hasId(patient.getIdElement()
				.toUnqualifiedVersionless())).returnBundle(Bundle.class).execute().getEntry()).hasSize(1);
	}

	@Test
	void anInterrogationWhoseStorageFailsMidwayLeavesNoFhirDataAndIsStoredWholeOnReprocess() throws Exception {
		String deviceId = "model:CD2215-36/serial:MID" + UUID.randomUUID().toString().substring(0, 8);
		String clinicId = "MID-" + UUID.randomUUID();
		String controlId = unique();
		String message = withControlId(text(STJUDE_ICD), controlId)
				.replace("model:CD2215-36/serial:9925119", deviceId).replace("~190^^^iCARDEA^SS", "~" + clinicId + "^^^iCARDEA^SS");
		// The Provenance's creation fails after the transaction has written what it processes before it (the patient, the raw message).
		PlantedFailure failure = new PlantedFailure(Provenance.class::isInstance, 1);
		storage.registerInterceptor(failure);
		try {
			assertThat(postHl7v2(message)).contains("MSA|AE|" + controlId).contains("OPENIMD-1401");
		} finally {
			storage.unregisterInterceptor(failure);
		}
		assertThat(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().code(clinicId)).returnBundle(Bundle.class)
				.execute().getEntry()).as("nothing of the interrogation was stored").isEmpty();

		long id = messages("rejected", controlId).stream().findFirst().orElseThrow().get("id").asLong();
		HttpResponse<String> reprocessed = myHttp.send(authorized("/ingest/messages/" + id + "/reprocess")
				.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(JSON.readTree(reprocessed.body()).at("/message/status").asText()).isEqualTo("ACCEPTED");
		Patient stored = single(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().code(clinicId))
				.returnBundle(Bundle.class).execute(), Patient.class);
		assertThat(client.search().forResource(DiagnosticReport.class).where(DiagnosticReport.SUBJECT.hasId(stored.getIdElement()
				.toUnqualifiedVersionless())).returnBundle(Bundle.class).execute().getEntry()).as("stored once, whole").hasSize(1);
	}

	@Test
	void messageRefusedByTheFhirServerIsAcceptedOnReprocessOnceTheConflictIsResolved() throws Exception {
		// given two Patients that each carry one of the message's PID-3 identifiers: the match is ambiguous
		String deviceId = "model:CD2215-36/serial:AMB" + UUID.randomUUID().toString().substring(0, 8);
		String clinicId = "AMB-" + UUID.randomUUID();
		Patient byDevice = new Patient();
		byDevice.addIdentifier().setSystem(OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "STJ/U").setValue(deviceId);
		Patient byClinic = new Patient();
		byClinic.addIdentifier().setSystem(OpenImdUris.HL7V2_PATIENT_IDENTIFIER_BASE + "iCARDEA/SS").setValue(clinicId);
		client.create().resource(byDevice).execute();
		IBaseResource clinicPatient = client.create().resource(byClinic).execute().getResource();
		// The audit trail records the create in the background; this test's delete of the same patient waits
		// for it, as the two writes once collided (409 on the delete, H2).
		auditEventsEventually("entity=" + clinicPatient.getIdElement().toUnqualifiedVersionless().getValue(), event -> true);
		String controlId = unique();
		String message = withControlId(text(STJUDE_ICD), controlId)
				.replace("model:CD2215-36/serial:9925119", deviceId).replace("~190^^^iCARDEA^SS", "~" + clinicId + "^^^iCARDEA^SS");

		// when it is sent, it is refused with a reason
		assertThat(postHl7v2(message)).contains("MSA|AE|" + controlId).contains("OPENIMD-1401");
		long id = messages("rejected", controlId).stream().findFirst().orElseThrow().get("id").asLong();

		// and once the duplicate patient record is removed, reprocessing stores it
		client.delete().resourceById(clinicPatient.getIdElement().toUnqualifiedVersionless()).execute();
		HttpResponse<String> reprocessed = myHttp.send(authorized("/ingest/messages/" + id + "/reprocess")
				.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(reprocessed.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(reprocessed.body()).at("/message/status").asText()).isEqualTo("ACCEPTED");

		HttpResponse<String> again = myHttp.send(authorized("/ingest/messages/" + id + "/reprocess")
				.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(again.statusCode()).isEqualTo(409);
	}

	@Test
	void reportsAndDevicesAreFoundByDeviceAndBySerialNumber() throws Exception {
		String serial = "SN" + UUID.randomUUID().toString().substring(0, 8);
		assertThat(postHl7v2(withControlId(text(STJUDE_ICD), unique()).replace("9925119", serial))).contains("MSA|AA|");

		Bundle bySerial = client.search().forResource(Device.class)
				.where(new ca.uhn.fhir.rest.gclient.TokenClientParam("serial-number").exactly().code(serial))
				.returnBundle(Bundle.class).execute();
		Device generator = single(bySerial, Device.class);
		Bundle reports = client.search().forResource(DiagnosticReport.class)
				.where(new ca.uhn.fhir.rest.gclient.ReferenceClientParam("device").hasId(generator.getIdElement().toUnqualifiedVersionless()))
				.returnBundle(Bundle.class).execute();

		assertThat(reports.getEntry()).hasSize(1);
		assertThat(((DiagnosticReport) reports.getEntry().get(0).getResource()).getMeta().getProfile())
				.extracting(profile -> profile.getValue()).contains(OpenImdUris.INTERROGATION_REPORT_PROFILE);
	}

	@Test
	void dataThatWouldBreakTheProfilesIsRefusedAndNotStored() throws Exception {
		String serial = "UCUM" + UUID.randomUUID().toString().substring(0, 8);
		String controlId = unique();
		String nonUcum = withControlId(text(MEDTRONIC_ICD_3_EGMS), controlId).replace("D284DRG", serial).replace("|V|||||F|", "|volts|||||F|");

		String ack = postHl7v2(nonUcum);

		assertThat(ack).contains("MSA|AE|" + controlId).contains("OPENIMD-1403").contains("volts");
		assertThat(client.search().forResource(Device.class)
				.where(Device.IDENTIFIER.exactly().systemAndIdentifier(OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER, "MDT/Maximo/" + serial))
				.returnBundle(Bundle.class).execute().getEntry()).isEmpty();
	}

	@Test
	void otherMessageTypeIsRejectedAsUnsupported() throws Exception {
		String controlId = unique();

		String ack = postHl7v2(withControlId(text(STJUDE_ICD), controlId).replace("ORU^R01^ORU_R01", "ADT^A01^ADT_A01"));

		assertThat(ack).contains("MSA|AR|" + controlId).contains("ERR||MSH^1^9^1|200^Unsupported message type^HL70357|E|OPENIMD-1009");
	}

	@Test
	void senderAskingForEnhancedModeGetsACommitAccept() throws Exception {
		String controlId = unique();
		String enhanced = withControlId(text(STJUDE_ICD), controlId).replace("|P|2.5", "|P|2.5|||AL|NE");

		String ack = postHl7v2(enhanced);

		assertThat(ack).contains("MSA|CA|" + controlId);
	}

	@Test
	void applicationAckGoesToTheSendersReturnRouteAndItsDeliveryIsFiled() throws Exception {
		String controlId = unique();
		String enhanced = fromReturnRouteSender(withControlId(text(STJUDE_ICD), controlId)).replace("|P|2.5", "|P|2.5|||AL|AL");

		String acceptAck;
		try (MllpClient sender = new MllpClient(myMllp.localPort())) {
			acceptAck = sender.send(enhanced.getBytes(StandardCharsets.ISO_8859_1));
		}

		assertThat(acceptAck).contains("MSA|CA|" + controlId);
		String applicationAck = ReturnRouteReceiver.shared().next("MSA|AA|" + controlId, Duration.ofSeconds(30));
		assertThat(applicationAck).as("application ACK at the return route").isNotNull()
				.startsWith("MSH|^~\\&|OPENIMD|OPENIMD|" + ReturnRouteReceiver.SENDING_APPLICATION + "|STJ|")
				.contains("|P|2.5|||AL|NE\r");
		long id = messageId(controlId);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(message(id).get("applicationAck").asText()).isEqualTo("SENT"));
		assertThat(message(id).get("applicationAckCode").asText()).isEqualTo("AA");
	}

	@Test
	void applicationAckOnErrorOnlyCarriesTheError() throws Exception {
		String failing = unique();
		String succeeding = unique();
		String onErrorOnly = "|P|2.5|||AL|ER";

		postHl7v2(fromReturnRouteSender(withControlId(text(STJUDE_ICD), succeeding)).replace("|P|2.5", onErrorOnly));
		String acceptAck = postHl7v2(fromReturnRouteSender(withControlId(text(STJUDE_ICD), failing))
				.replace("|P|2.5", onErrorOnly).replace("|1|0|{shocks}|", "|1|none|{shocks}|"));

		assertThat(acceptAck).as("the message is stored, so it is accepted for processing").contains("MSA|CA|" + failing);
		assertThat(ReturnRouteReceiver.shared().next("MSA|AE|" + failing, Duration.ofSeconds(30))).isNotNull()
				.contains("ERR||OBX^9^5^1|102^Data type error^HL70357|E|OPENIMD-1201");
		assertThat(message(messageId(succeeding)).get("applicationAck").isNull()).as("ER: no ACK for a success").isTrue();
	}

	@Test
	void applicationAckThatCannotBeDeliveredIsTriedAgainThenFiledAsFailed() throws Exception {
		String controlId = unique();
		String enhanced = fromSendingApplication(withControlId(text(STJUDE_ICD), controlId), ReturnRouteReceiver.UNREACHABLE_APPLICATION).replace("|P|2.5", "|P|2.5|||AL|AL");

		assertThat(postHl7v2(enhanced)).contains("MSA|CA|" + controlId);

		long id = messageId(controlId);
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(message(id).get("applicationAck").asText()).isEqualTo("FAILED"));
		assertThat(message(id).get("status").asText()).as("the message itself stays accepted").isEqualTo("ACCEPTED");
	}

	@Test
	void applicationAckWithoutReturnRouteIsFiledAsSuch() throws Exception {
		String controlId = unique();

		String acceptAck = postHl7v2(withControlId(text(STJUDE_ICD), controlId).replace("|P|2.5", "|P|2.5|||AL|AL"));

		assertThat(acceptAck).contains("MSA|CA|" + controlId);
		JsonNode message = message(messageId(controlId));
		assertThat(message.get("applicationAck").asText()).isEqualTo("NO_ROUTE");
		assertThat(message.get("applicationAckCode").asText()).isEqualTo("AA");
	}

	@Test
	void senderThatDisconnectsMidMessageLeavesNoRecordAndTheListenerServesOthers() throws Exception {
		String brokenOff = unique();
		try (MllpClient sender = new MllpClient(myMllp.localPort())) {
			byte[] message = withControlId(text(STJUDE_ICD), brokenOff).getBytes(StandardCharsets.ISO_8859_1);
			sender.writeRaw(new byte[] {MllpFraming.START_BLOCK});
			sender.writeRaw(java.util.Arrays.copyOf(message, message.length / 2));
		}

		String controlId = unique();
		String ack;
		try (MllpClient sender = new MllpClient(myMllp.localPort())) {
			ack = sender.send(withControlId(text(STJUDE_ICD), controlId).getBytes(StandardCharsets.ISO_8859_1));
		}

		assertThat(ack).contains("MSA|AA|" + controlId);
		await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
				.untilAsserted(() -> assertThat(countMessages(null, brokenOff)).isZero());
	}

	@Test
	void mllpOverTlsServesOnlySendersWithATrustedCertificateAndRecordsWhoTheyAre() throws Exception {
		String withoutCertificate = unique();
		String withoutTls = unique();
		String authenticated = unique();

		assertThatThrownBy(() -> {
			try (MllpClient sender = MllpClient.withoutCertificate(myMllp.localPort())) {
				sender.send(withControlId(text(STJUDE_ICD), withoutCertificate).getBytes(StandardCharsets.ISO_8859_1));
			}
		}).isInstanceOf(IOException.class);
		assertThatThrownBy(() -> {
			try (MllpClient sender = MllpClient.plainTcp(myMllp.localPort())) {
				sender.send(withControlId(text(STJUDE_ICD), withoutTls).getBytes(StandardCharsets.ISO_8859_1));
			}
		}).isInstanceOf(IOException.class);
		String ack;
		try (MllpClient sender = new MllpClient(myMllp.localPort())) {
			ack = sender.send(withControlId(text(STJUDE_ICD), authenticated).getBytes(StandardCharsets.ISO_8859_1));
		}

		assertThat(ack).contains("MSA|AA|" + authenticated);
		assertThat(message(messageId(authenticated)).get("remoteAddress").asText()).contains("O=OpenIMD self-signed");
		assertThat(countMessages(null, withoutCertificate)).isZero();
		assertThat(countMessages(null, withoutTls)).isZero();
	}

	@Test
	void unknownMessageStatusFilterIsABadRequest() throws Exception {
		HttpResponse<String> response = myHttp.send(authorized("/ingest/messages?status=lost").build(),
				HttpResponse.BodyHandlers.ofString());

		assertThat(response.statusCode()).isEqualTo(400);
	}

	/** The messages a sender sent with {@code theControlId}, of {@code theStatus} if given, as the server finds them. */
	private List<JsonNode> messages(String theStatus, String theControlId) throws Exception {
		HttpResponse<String> response = myHttp.send(authorized("/ingest/messages?controlId=" + URLEncoder.encode(theControlId, StandardCharsets.UTF_8)
				+ (theStatus == null ? "" : "&status=" + theStatus)).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		List<JsonNode> messages = new java.util.ArrayList<>();
		JSON.readTree(response.body()).forEach(messages::add);
		return messages;
	}

	private long messageId(String theControlId) throws Exception {
		return messages(null, theControlId).stream().findFirst().orElseThrow().get("id").asLong();
	}

	private JsonNode message(long theId) throws Exception {
		HttpResponse<String> response = myHttp.send(authorized("/ingest/messages/" + theId).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return JSON.readTree(response.body());
	}

	private static String fromReturnRouteSender(String theMessage) {
		return fromSendingApplication(theMessage, ReturnRouteReceiver.SENDING_APPLICATION);
	}

	/** Fills the empty MSH-3 of the St. Jude example. */
	private static String fromSendingApplication(String theMessage, String theApplication) {
		return theMessage.replaceFirst("^MSH\\|\\^~\\\\&\\|\\|", "MSH|^~\\\\&|" + theApplication + "|");
	}

	private long countMessages(String theStatus, String theControlId) throws Exception {
		List<JsonNode> messages = messages(theStatus, theControlId);
		assertThat(messages).allSatisfy(message -> assertThat(message.get("controlId").asText()).isEqualTo(theControlId));
		return messages.size();
	}

	private Device implantedDevice(String theIdentifier) {
		return single(client.search().forResource(Device.class)
				.where(Device.IDENTIFIER.exactly().systemAndIdentifier(OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER, theIdentifier))
				.returnBundle(Bundle.class).execute(), Device.class);
	}

	private DiagnosticReport reportOf(String theInterrogation) {
		return single(client.search().forResource(DiagnosticReport.class)
				.where(DiagnosticReport.IDENTIFIER.exactly().systemAndCode(OpenImdUris.INTERROGATION_IDENTIFIER, theInterrogation))
				.returnBundle(Bundle.class).execute(), DiagnosticReport.class);
	}

	private static String unique() {
		return "IT-" + UUID.randomUUID().toString().substring(0, 18);
	}
}
