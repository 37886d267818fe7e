package org.openimd.terminology;

/**
 * The identifier systems, code systems and extensions OpenIMD defines itself, and the outside ones it
 * writes into resources. Kept in one place so that a mapper and the server's searches cannot
 * disagree on a URI.
 */
public final class OpenImdUris {

	private static final String BASE = "https://openimd.org/fhir/";

	/** An implanted generator or lead: {@code <manufacturer>/<model>/<serial>}. */
	public static final String IMPLANTED_DEVICE_IDENTIFIER = BASE + "sid/implanted-device";

	/** One interrogation session of one device: {@code <device identifier>/<session key>}. */
	public static final String INTERROGATION_IDENTIFIER = BASE + "sid/interrogation";

	/** An HL7 v2 sending application: {@code <MSH-3>^<MSH-4>}. */
	public static final String HL7V2_APPLICATION_IDENTIFIER = BASE + "sid/hl7v2-application";

	/** Patient identifiers from PID-3, one system per assigning authority and identifier type. */
	public static final String HL7V2_PATIENT_IDENTIFIER_BASE = BASE + "sid/hl7v2-pid/";

	/** Codes sent in an HL7 v2 coded field under a coding system OpenIMD does not know. */
	public static final String HL7V2_LOCAL_CODE_BASE = BASE + "CodeSystem/hl7v2-local/";

	/** OBX-4: the instance (lead, zone, episode) a value belongs to, as CardX-CIED's instance-idco. */
	public static final String IDCO_INSTANCE_EXTENSION = BASE + "StructureDefinition/idco-instance";

	/**
	 * On a DiagnosticReport: the implanted device the interrogation read. R4's DiagnosticReport has no
	 * element for it; CardX-CIED (R5) links through DeviceAssociation.
	 */
	public static final String INTERROGATED_DEVICE_EXTENSION = BASE + "StructureDefinition/interrogated-device";

	/** Profiles of the OpenIMD implementation guide (module ig), declared in meta.profile by the mappers. */
	public static final String IMPLANTED_DEVICE_PROFILE = BASE + "StructureDefinition/implanted-device";

	public static final String IMPLANTED_LEAD_PROFILE = BASE + "StructureDefinition/implanted-lead";
	public static final String IDCO_OBSERVATION_PROFILE = BASE + "StructureDefinition/idco-observation";
	public static final String INTERROGATION_REPORT_PROFILE = BASE + "StructureDefinition/interrogation-report";

	/** The CardX-CIED code system; its {@code IDCO} code marks an interrogation's IdcoObservation. */
	public static final String CARDX_CIED_CODE_SYSTEM = "http://hl7.org/fhir/uv/cardx-cied/CodeSystem/CardXCIED";

	public static final String CARDX_IDCO = "IDCO";

	/** HL7 v2 table 0078, abnormal flags (OBX-8). */
	public static final String V2_ABNORMAL_FLAGS = "http://terminology.hl7.org/CodeSystem/v2-0078";

	public static final String UCUM = "http://unitsofmeasure.org";

	public static final String RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm";

	public static final String SNOMED_CT = "http://snomed.info/sct";

	/** SNOMED CT 72607000 |Intrathecal route|: a MedicationRequest by this route goes through the pump checks. */
	public static final String INTRATHECAL_ROUTE = "72607000";

	/** The rule IDs of the intrathecal pump checks ({@code DOSE-01}, {@code STAB-01} …), in OperationOutcome details. */
	public static final String INTRATHECAL_RULE_SYSTEM = BASE + "CodeSystem/intrathecal-rule";

	/** Properties of an implanted drug pump on Device.property.type: {@code reservoir-volume}. */
	public static final String PUMP_PROPERTY_SYSTEM = BASE + "CodeSystem/pump-property";

	public static final String PUMP_RESERVOIR_VOLUME = "reservoir-volume";

	/**
	 * On a MedicationRequest for an intrathecal pump: what the checks need besides the order itself,
	 * as sub-extensions named like {@code $check-pump-prescription}'s parameters
	 * ({@code firstFillOfNaivePump}, {@code initiation}, {@code opioidTolerant}, {@code mriScheduled},
	 * {@code spasticityOrigin}).
	 */
	public static final String INTRATHECAL_THERAPY_EXTENSION = BASE + "StructureDefinition/intrathecal-therapy";

	/**
	 * Intrathecal pump telemetry and refill records: the Observation codes {@code pump-status} and
	 * {@code pump-refill}, their component codes, infusion modes and alarms.
	 */
	public static final String PUMP_TELEMETRY_SYSTEM = BASE + "CodeSystem/pump-telemetry";

	/** A pump's state as a programmer or monitor reads it: reservoir, programmed daily volume, alarms. */
	public static final String PUMP_STATUS = "pump-status";

	/** A refill visit: the residual aspirated and the volume filled. */
	public static final String PUMP_REFILL = "pump-refill";

	/** The identifier system of the refill Appointment the server keeps for each pump; the value names the Device. */
	public static final String PUMP_REFILL_APPOINTMENT_SYSTEM = BASE + "sid/pump-refill-appointment";

	/** On a de-identified Patient whose birth date, removed, implied an age over 89 (HIPAA Safe Harbor groups them as 90 or older). */
	public static final String AGE_90_OR_OLDER_EXTENSION = BASE + "StructureDefinition/age-90-or-older";

	public static final String PROVENANCE_PARTICIPANT_TYPE =
			"http://terminology.hl7.org/CodeSystem/provenance-participant-type";

	/** The media type of an ER7-encoded HL7 v2 message. */
	/**
	 * Cardiac waveforms: the kinds of recording (ECG strip, EGM episode) and the intracardiac EGM
	 * channels, for which no standard code exists (shared/reference/ecg.md §1.3).
	 */
	public static final String CARDIAC_WAVEFORM_SYSTEM = BASE + "CodeSystem/cardiac-waveform";

	public static final String ECG_STRIP = "ecg-strip";
	public static final String EGM_EPISODE = "egm-episode";
	public static final String CARDIAC_WAVEFORM_PROFILE = BASE + "StructureDefinition/cardiac-waveform";

	/** Specialist review: review groups, the review Tasks, their inputs, outputs and notices. */
	public static final String REVIEW_SYSTEM = BASE + "CodeSystem/review";

	public static final String REVIEW_GROUP_EXTENSION = BASE + "StructureDefinition/review-group";
	public static final String REVIEW_COPY_IDENTIFIER = BASE + "sid/review-copy";

	public static final String HL7V2_ER7_MEDIA_TYPE = "x-application/hl7-v2+er7";

	/** Device advisories: the advisory, the check each affected device's clinic is asked for, the notice to its patient. */
	public static final String ADVISORY_SYSTEM = BASE + "CodeSystem/advisory";

	public static final String DEVICE_ADVISORY = "device-advisory";
	public static final String ADVISORY_CHECK = "advisory-check";
	public static final String ADVISORY_NOTICE = "advisory-notice";
	/** One advisory per manufacturer and notice: {@code Organization/7/FSN-2026-01}. */
	public static final String ADVISORY_IDENTIFIER = BASE + "sid/device-advisory";

	/** Information for patients other than advisories: clinical trials, support groups, education (Communication.category). */
	public static final String PATIENT_INFORMATION = "patient-information";
	/** One notice per patient and published piece of information: {@code Practitioner/3/trial-2027-01}. */
	public static final String PATIENT_INFORMATION_IDENTIFIER = BASE + "sid/patient-information";

	/** Remote monitoring: the triage Task of each transmission and the alerts on it. */
	public static final String REMOTE_MONITORING_SYSTEM = BASE + "CodeSystem/remote-monitoring";

	public static final String TRANSMISSION_REVIEW = "transmission-review";
	public static final String TRANSMISSION_SCHEDULE = "transmission-schedule";
	public static final String MISSED_TRANSMISSION = "missed-transmission";
	/** One transmission schedule per device: this identifier's value is the Device, {@code Device/5}. */
	public static final String TRANSMISSION_SCHEDULE_IDENTIFIER = BASE + "sid/transmission-schedule";
	/** One missed-transmission Task per schedule and due date: {@code CarePlan/7@2027-06-01T10:00:00Z}. */
	public static final String MISSED_TRANSMISSION_IDENTIFIER = BASE + "sid/missed-transmission";
	public static final String ALERT_INPUT = "alert";
	public static final String TRIAGE_RANK_EXTENSION = BASE + "StructureDefinition/triage-rank";
	/** The alert rules (terminology's alerts/rules.csv), by id, as DetectedIssue.code. */
	public static final String ALERT_RULE_SYSTEM = BASE + "CodeSystem/alert-rule";
	/** One triage Task per transmission: this identifier's value is the interrogation report's id. */
	public static final String TRANSMISSION_TRIAGE_IDENTIFIER = BASE + "sid/transmission-triage";

	/** A device's connectivity status as CardX-CIED models it: one Observation per device, this identifier's value the Device. */
	public static final String CONNECTIVITY_STATUS_IDENTIFIER = BASE + "sid/connectivity-status";
	public static final String CARDX_CONNECTIVITY_SYSTEM = "http://hl7.org/fhir/uv/cardx-cied/CodeSystem/cied-connectivity";
	public static final String CARDX_CONNECTIVITY_PROFILE = "http://hl7.org/fhir/uv/cardx-cied/StructureDefinition/cied-connectivity-status";

	/** Subscriptions: the topics' canonical URLs start here ({@code …/SubscriptionTopic/alert}). */
	public static final String SUBSCRIPTION_TOPIC_BASE = BASE + "SubscriptionTopic/";
	/**
	 * The tag saying who owns a resource that belongs to whoever created it (a Subscription): its code
	 * stands for the person (or system) and app, and names neither.
	 */
	public static final String RESOURCE_OWNER_SYSTEM = BASE + "CodeSystem/resource-owner";

	private OpenImdUris() {}
}
