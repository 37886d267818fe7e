package org.openimd.mappers.idco;

import ca.uhn.fhir.util.UrlUtil;
import ca.uhn.hl7v2.DefaultHapiContext;
import ca.uhn.hl7v2.HL7Exception;
import ca.uhn.hl7v2.HapiContext;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_ORDER_OBSERVATION;
import ca.uhn.hl7v2.model.v26.group.ORU_R01_PATIENT_RESULT;
import ca.uhn.hl7v2.model.v26.message.ORU_R01;
import ca.uhn.hl7v2.model.v26.segment.OBR;
import ca.uhn.hl7v2.parser.CanonicalModelClassFactory;
import ca.uhn.hl7v2.parser.PipeParser;
import ca.uhn.hl7v2.validation.impl.ValidationContextFactory;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.mappers.hl7v2.Er7;
import org.openimd.mappers.hl7v2.Hl7Charsets;
import org.openimd.mappers.hl7v2.Hl7DateTimes;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.Hl7Location;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.mappers.hl7v2.MshHeader;
import org.openimd.mappers.idco.DeviceMapping.MappedDevice;
import org.openimd.mappers.idco.PatientMapping.MappedPatient;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Loinc;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * An IHE IDCO (PCD-09) ORU^R01 message, HL7 v2.5 or v2.6, as one FHIR R4 transaction shaped after
 * HL7 CardX-CIED: the Patient (matched on PID-3), the generator and lead Devices, per OBR one
 * interrogation DiagnosticReport with one IdcoObservation holding every OBX value as a component,
 * each episode EGM PDF as a DocumentReference, and a Provenance pointing at the raw message.
 *
 * <p>Everything a later copy of the same interrogation would write again is a conditional update on
 * an identifier, so a resent or corrected message updates what is there instead of adding to it;
 * the Patient is a conditional create, so the EHR's demographics are never overwritten by the
 * placeholders device systems send. Thread-safe; no clock, no randomness beyond the transaction's
 * internal {@code urn:uuid}s.
 */
public final class IdcoOruMapper {

	/** Report subsets OBX-3 codes that carry an EGM or report PDF (IHE PCD TF-2 §3.9.4.1.2.7). */
	private static final List<String> ATTACHMENT_TYPES = List.of("ED", "RP");

	private final IdcoTermTable myTerms;
	private final ZoneId mySenderZone;
	private final PipeParser myParser;
	private final DeviceMapping myDevices;

	/**
	 * @param theSenderZone the zone in which to read times a sender gives without an offset
	 */
	public IdcoOruMapper(IdcoTermTable theTerms, ZoneId theSenderZone) {
		myTerms = theTerms;
		mySenderZone = theSenderZone;
		myDevices = new DeviceMapping(theTerms);
		HapiContext context = new DefaultHapiContext();
		// Content is checked here, field by field, so each problem can be named with its location.
		context.setValidationContext(ValidationContextFactory.noValidation());
		// v2.5 and v2.6 messages alike are read into the v2.6 structures IDCO now specifies.
		context.setModelClassFactory(new CanonicalModelClassFactory("2.6"));
		myParser = context.getPipeParser();
	}

	public IdcoMapping map(byte[] theMessage, Instant theReceivedAt) throws MessageRejectedException {
		String text = Hl7Charsets.decode(theMessage);
		MshHeader header = MshHeader.read(text);
		checkHeader(header);
		SegmentOrder.Laid laid = SegmentOrder.lay(text);
		ORU_R01 oru = parse(laid.message());
		List<MappingIssue> issues = new ArrayList<>(laid.issues());
		Bundle transaction = new Bundle().setType(BundleType.TRANSACTION);
		transaction.setTimestamp(Date.from(theReceivedAt));

		ORU_R01_PATIENT_RESULT result = oru.getPATIENT_RESULT();
		if (isEmpty(result.getPATIENT().getPID())) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
					Hl7Location.segment("PID", 1), "OPENIMD-1006", "the message has no PID segment");
		}
		List<ORU_R01_ORDER_OBSERVATION> orders = all(result);
		if (orders.isEmpty()) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
					Hl7Location.segment("OBR", 1), "OPENIMD-1007", "the message has no OBR segment");
		}
		List<List<Obx>> obxByOrder = readObx(orders);
		List<Obx> allObx = obxByOrder.stream().flatMap(List::stream).toList();

		MappedPatient patient = PatientMapping.map(result.getPATIENT().getPID(), mySenderZone);
		BundleEntryComponent patientEntry = add(transaction, patient.patient(), HTTPVerb.POST, "Patient");
		patientEntry.getRequest().setIfNoneExist(patient.matchQuery().substring("Patient?".length()));
		String patientUrn = patientEntry.getFullUrl();

		Device application = new Device();
		application.addIdentifier().setSystem(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER).setValue(header.sender());
		application.addDeviceName().setName(header.sender()).setType(Device.DeviceNameType.USERFRIENDLYNAME);
		application.getType().setText("HL7 v2 sending application");
		String applicationUrn = conditionalCreate(transaction, application, OpenImdUris.HL7V2_APPLICATION_IDENTIFIER, header.sender());

		MappedDevice generator = myDevices.generator(allObx, patient.deviceBasedId());
		generator.device().setPatient(new Reference(patientUrn)).getMeta().addProfile(OpenImdUris.IMPLANTED_DEVICE_PROFILE);
		String generatorUrn = conditionalUpdate(transaction, generator.device(), OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER, generator.identifierValue());
		List<String> written = new ArrayList<>(List.of(patientUrn, generatorUrn));
		for (MappedDevice lead : myDevices.leads(allObx, generator.identifierValue().split("/")[0])) {
			lead.device().setPatient(new Reference(patientUrn)).setParent(new Reference(generatorUrn))
					.getMeta().addProfile(OpenImdUris.IMPLANTED_LEAD_PROFILE);
			written.add(conditionalUpdate(transaction, lead.device(), OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER, lead.identifierValue()));
		}
		List<String> performers = new ArrayList<>();
		for (String equipment : allObx.stream().map(Obx::equipment).filter(id -> !id.isEmpty()).distinct().toList()) {
			Device monitor = new Device();
			monitor.addIdentifier().setSystem(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER).setValue(header.sendingFacility() + "/" + equipment);
			monitor.getType().setText("Monitor or programmer (OBX-18)");
			performers.add(conditionalCreate(transaction, monitor, OpenImdUris.HL7V2_APPLICATION_IDENTIFIER,
					header.sendingFacility() + "/" + equipment));
		}

		ComponentValues components = new ComponentValues(myTerms, mySenderZone, issues);
		for (int order = 0; order < orders.size(); order++) {
			written.addAll(interrogation(transaction, orders.get(order).getOBR(), order + 1, obxByOrder.get(order),
					components, patientUrn, generatorUrn, generator.identifierValue()));
		}

		Binary raw = new Binary().setContentType(OpenImdUris.HL7V2_ER7_MEDIA_TYPE).setData(theMessage);
		String rawUrn = add(transaction, raw, HTTPVerb.POST, "Binary").getFullUrl();
		Provenance provenance = new Provenance();
		written.forEach(urn -> provenance.addTarget(new Reference(urn)));
		provenance.setRecorded(Date.from(theReceivedAt));
		provenance.addAgent().setWho(new Reference(generatorUrn)).setType(participant("author"));
		provenance.addAgent().setWho(new Reference(applicationUrn)).setType(participant("assembler"));
		performers.forEach(urn -> provenance.addAgent().setWho(new Reference(urn)).setType(participant("performer")));
		provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(rawUrn));
		add(transaction, provenance, HTTPVerb.POST, "Provenance");
		return new IdcoMapping(header, transaction, List.copyOf(issues));
	}

	private List<String> interrogation(
			Bundle theTransaction,
			OBR theObr,
			int theOrderNumber,
			List<Obx> theObx,
			ComponentValues theComponents,
			String thePatientUrn,
			String theGeneratorUrn,
			String theDeviceKey) throws MessageRejectedException {
		Optional<Obx> sessionTime = theObx.stream().filter(obx -> theComponents.termOf(obx)
				.filter(term -> term.code().equals(Mdc.MDC_IDC_SESS_DTM)).isPresent()).findFirst();
		String sessionDtm = sessionTime.map(obx -> obx.value(1)).filter(dtm -> !dtm.isEmpty())
				.orElse(text(theObr.getObr7_ObservationDateTime().getValue()));
		String fillerOrder = text(theObr.getObr3_FillerOrderNumber().getEi1_EntityIdentifier().getValue());
		if (fillerOrder.isEmpty() && sessionDtm.isEmpty()) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.REQUIRED_FIELD_MISSING,
					Hl7Location.field("OBR", theOrderNumber, 3), "OPENIMD-1008",
					"the interrogation has neither a filler order number (OBR-3) nor a session time to identify it");
		}
		// OBR-3 identifies the session where the sender gives one; otherwise the session time does.
		String interrogationKey = theDeviceKey + "/" + (fillerOrder.isEmpty() ? "session-" + sessionDtm : fillerOrder);
		Optional<DateTimeType> effective = Hl7DateTimes.toFhir(sessionDtm, mySenderZone).map(Hl7DateTimes.Converted::value);
		String status = fhirStatus(text(theObr.getObr25_ResultStatus().getValue()));

		Observation idco = new Observation();
		idco.getMeta().addProfile(OpenImdUris.IDCO_OBSERVATION_PROFILE);
		idco.addIdentifier().setSystem(OpenImdUris.INTERROGATION_IDENTIFIER).setValue(interrogationKey);
		idco.setStatus(Observation.ObservationStatus.fromCode(status));
		idco.getCode().addCoding(new Coding(OpenImdUris.CARDX_CIED_CODE_SYSTEM, OpenImdUris.CARDX_IDCO, "IDCO data"));
		idco.setSubject(new Reference(thePatientUrn));
		idco.setDevice(new Reference(theGeneratorUrn));
		effective.ifPresent(idco::setEffective);
		List<Obx> attachments = new ArrayList<>();
		for (Obx obx : theObx) {
			if (ATTACHMENT_TYPES.contains(obx.valueType())) {
				attachments.add(obx);
			} else {
				idco.addComponent(theComponents.toComponent(obx));
			}
		}
		String observationUrn = conditionalUpdate(theTransaction, idco, OpenImdUris.INTERROGATION_IDENTIFIER, interrogationKey);

		DiagnosticReport report = new DiagnosticReport();
		report.getMeta().addProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE);
		report.addIdentifier().setSystem(OpenImdUris.INTERROGATION_IDENTIFIER).setValue(interrogationKey);
		report.setStatus(DiagnosticReport.DiagnosticReportStatus.fromCode(status));
		String universalService = text(theObr.getObr4_UniversalServiceIdentifier().getCwe2_Text().getValue());
		if (universalService.isEmpty()) {
			universalService = text(theObr.getObr4_UniversalServiceIdentifier().getCwe1_Identifier().getValue());
		}
		report.getCode().addCoding(new Coding(Loinc.SYSTEM, Loinc.CARDIAC_EP_PROCEDURE_NOTE, "Cardiac electrophysiology procedure note"))
				.setText(universalService.isEmpty() ? null : universalService);
		sessionType(theObx, theComponents).ifPresent(report::addCategory);
		report.setSubject(new Reference(thePatientUrn));
		report.addExtension(OpenImdUris.INTERROGATED_DEVICE_EXTENSION, new Reference(theGeneratorUrn));
		effective.ifPresent(report::setEffective);
		report.addResult(new Reference(observationUrn));
		String reportUrn = conditionalUpdate(theTransaction, report, OpenImdUris.INTERROGATION_IDENTIFIER, interrogationKey);

		List<String> written = new ArrayList<>(List.of(observationUrn, reportUrn));
		for (Obx attachment : attachments) {
			written.add(egm(theTransaction, attachment, interrogationKey, thePatientUrn, reportUrn, observationUrn, effective, theComponents));
		}
		return written;
	}

	/**
	 * OBR-25 (HL7 table 0123) as the status code Observation and DiagnosticReport share: results not
	 * yet final are preliminary, C corrects, X cancels; F or nothing is final.
	 */
	private static String fhirStatus(String theResultStatus) {
		return switch (theResultStatus.toUpperCase(Locale.ROOT)) {
			case "P", "R", "I", "S" -> "preliminary";
			case "C" -> "corrected";
			case "X" -> "cancelled";
			default -> "final";
		};
	}

	/** The session type (OBX 721026) as a category, so that worklists can pick out alert transmissions. */
	private Optional<CodeableConcept> sessionType(List<Obx> theObx, ComponentValues theComponents) {
		return theObx.stream()
				.filter(obx -> theComponents.termOf(obx).filter(term -> term.code().equals(Mdc.MDC_IDC_SESS_TYPE)).isPresent())
				.findFirst()
				.map(obx -> {
					CodeableConcept category = new CodeableConcept();
					myTerms.enumerationValue(Mdc.MDC_IDC_SESS_TYPE, obx.value(1))
							.ifPresent(value -> category.addCoding(new Coding(Mdc.SYSTEM, value.code(), value.referenceId())));
					String text = obx.value(2).isEmpty() ? obx.value(1) : obx.value(2);
					return category.setText(text.isEmpty() ? null : text);
				});
	}

	/**
	 * An embedded EGM or report PDF ({@code Application^PDF^^Base64^…}) as a DocumentReference of the
	 * interrogation; OBX-4 ties it to the episode with the same instance (IHE CP-PCD-086).
	 */
	private String egm(
			Bundle theTransaction,
			Obx theObx,
			String theInterrogationKey,
			String thePatientUrn,
			String theReportUrn,
			String theObservationUrn,
			Optional<DateTimeType> theEffective,
			ComponentValues theComponents) throws MessageRejectedException {
		if (!theObx.value(4).equalsIgnoreCase("Base64")) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.TABLE_VALUE_NOT_FOUND, theObx.location(5).component(4),
					"OPENIMD-1301", "attachment encoding '" + theObx.value(4) + "' is not Base64");
		}
		byte[] content;
		try {
			content = Base64.getDecoder().decode(theObx.value(5));
		} catch (IllegalArgumentException e) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.DATA_TYPE_ERROR, theObx.location(5).component(5),
					"OPENIMD-1302", "the attachment is not valid base64 (" + e.getMessage() + "); is it truncated?");
		}
		if (content.length == 0) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.REQUIRED_FIELD_MISSING, theObx.location(5).component(5),
					"OPENIMD-1303", "the attachment is empty");
		}
		String label = theObx.alternateText().isEmpty() ? theObx.referenceId() : theObx.alternateText();
		String key = theInterrogationKey + "/attachment-" + (theObx.subId().isEmpty() ? "obx" + theObx.sequence() : theObx.subId());

		DocumentReference document = new DocumentReference();
		document.addIdentifier().setSystem(OpenImdUris.INTERROGATION_IDENTIFIER).setValue(key);
		document.setStatus(DocumentReferenceStatus.CURRENT);
		document.getType().addCoding(ComponentValues.localCoding(theObx.codingSystem(), theObx.code(), theObx.referenceId())).setText(label);
		document.setSubject(new Reference(thePatientUrn));
		theEffective.ifPresent(effective -> document.setDate(effective.getValue()));
		document.setDescription(label);
		document.addContent().getAttachment()
				.setContentType("application/" + (theObx.value(2).isEmpty() ? "pdf" : theObx.value(2).toLowerCase(Locale.ROOT)))
				.setData(content)
				.setTitle(label);
		document.getContext().addRelated(new Reference(theReportUrn)).addRelated(new Reference(theObservationUrn));
		if (!theObx.subId().isEmpty()) {
			document.addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new IntegerType(theComponents.instance(theObx)));
		}
		return conditionalUpdate(theTransaction, document, OpenImdUris.INTERROGATION_IDENTIFIER, key);
	}

	private void checkHeader(MshHeader theHeader) throws MessageRejectedException {
		if (!theHeader.messageType().equals("ORU")) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
					Hl7Location.field("MSH", 1, 9), "OPENIMD-1009",
					"message type " + theHeader.messageType() + " is not supported; IDCO sends ORU^R01");
		}
		if (!theHeader.triggerEvent().equals("R01")) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.UNSUPPORTED_EVENT_CODE,
					Hl7Location.field("MSH", 1, 9).component(2), "OPENIMD-1010",
					"trigger event " + theHeader.triggerEvent() + " is not supported; IDCO sends ORU^R01");
		}
		if (!theHeader.version().startsWith("2.5") && !theHeader.version().startsWith("2.6")) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.UNSUPPORTED_VERSION_ID,
					Hl7Location.field("MSH", 1, 12), "OPENIMD-1011",
					"HL7 version '" + theHeader.version() + "' is not supported; IDCO uses 2.5 or 2.6");
		}
		if (theHeader.controlId().isEmpty()) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.REQUIRED_FIELD_MISSING,
					Hl7Location.field("MSH", 1, 10), "OPENIMD-1012",
					"MSH-10 (message control ID) is empty, so a resent copy could not be recognised");
		}
	}

	private ORU_R01 parse(String theMessage) throws MessageRejectedException {
		Message parsed;
		try {
			parsed = myParser.parse(Er7.normalizeSegmentSeparators(theMessage));
		} catch (HL7Exception e) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, null,
					"OPENIMD-1013", "the message cannot be parsed as HL7 v2: " + e.getMessage(), e);
		}
		if (parsed instanceof ORU_R01 oru) {
			return oru;
		}
		throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
				Hl7Location.field("MSH", 1, 9), "OPENIMD-1009", "the message is not an ORU^R01");
	}

	private static List<ORU_R01_ORDER_OBSERVATION> all(ORU_R01_PATIENT_RESULT theResult) throws MessageRejectedException {
		try {
			List<ORU_R01_ORDER_OBSERVATION> orders = new ArrayList<>();
			for (ORU_R01_ORDER_OBSERVATION order : theResult.getORDER_OBSERVATIONAll()) {
				if (!order.getOBR().isEmpty()) {
					orders.add(order);
				}
			}
			return orders;
		} catch (HL7Exception e) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, null,
					"OPENIMD-1013", "the message's segments cannot be read: " + e.getMessage(), e);
		}
	}

	private static boolean isEmpty(ca.uhn.hl7v2.model.Structure theSegment) throws MessageRejectedException {
		try {
			return theSegment.isEmpty();
		} catch (HL7Exception e) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, null,
					"OPENIMD-1013", "the message's segments cannot be read: " + e.getMessage(), e);
		}
	}

	private static List<List<Obx>> readObx(List<ORU_R01_ORDER_OBSERVATION> theOrders) throws MessageRejectedException {
		List<List<Obx>> byOrder = new ArrayList<>();
		int sequence = 0;
		try {
			for (ORU_R01_ORDER_OBSERVATION order : theOrders) {
				List<Obx> obx = new ArrayList<>();
				for (ORU_R01_OBSERVATION observation : order.getOBSERVATIONAll()) {
					obx.add(Obx.read(observation.getOBX(), ++sequence));
				}
				byOrder.add(obx);
			}
		} catch (HL7Exception e) {
			throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR,
					Hl7Location.segment("OBX", sequence), "OPENIMD-1013", "an OBX segment cannot be read: " + e.getMessage(), e);
		}
		return byOrder;
	}

	private static BundleEntryComponent add(Bundle theTransaction, Resource theResource, HTTPVerb theVerb, String theUrl) {
		BundleEntryComponent entry = theTransaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(theResource);
		entry.getRequest().setMethod(theVerb).setUrl(theUrl);
		return entry;
	}

	/**
	 * For what a message names but never changes (the sending application, a programmer or monitor):
	 * created once, then only referred to. A conditional update every message would be a write for
	 * nothing, and it would end HAPI's guard against a second copy (a row per match URL, dropped when
	 * the resource is updated): a new sender's first messages, arriving together, made two Devices of
	 * its application, after which every message of that sender was refused.
	 */
	private static String conditionalCreate(Bundle theTransaction, Resource theResource, String theSystem, String theValue) {
		BundleEntryComponent entry = add(theTransaction, theResource, HTTPVerb.POST, theResource.fhirType());
		entry.getRequest().setIfNoneExist("identifier=" + token(theSystem, theValue));
		return entry.getFullUrl();
	}

	private static String conditionalUpdate(Bundle theTransaction, Resource theResource, String theSystem, String theValue) {
		return add(theTransaction, theResource, HTTPVerb.PUT, theResource.fhirType() + "?identifier=" + token(theSystem, theValue)).getFullUrl();
	}

	/** A token search value {@code system|value}, escaped for a FHIR search URL. */
	static String token(String theSystem, String theValue) {
		return UrlUtil.escapeUrlParam(theSystem + "|" + theValue);
	}

	private static CodeableConcept participant(String theType) {
		return new CodeableConcept(new Coding(OpenImdUris.PROVENANCE_PARTICIPANT_TYPE, theType, null));
	}

	private static String text(String theValue) {
		return theValue == null ? "" : theValue.strip();
	}
}
