package org.openimd.server.demo;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.server.OwnerOnlyFile;
import org.openimd.server.RandomSecret;
import org.openimd.server.fhir.FhirServerProperties;
import org.openimd.server.ingest.IngestSvc;
import org.openimd.server.security.ApiScopes;
import org.openimd.server.security.AuthProperties;
import org.openimd.server.security.AuthorizationServerMode;
import org.openimd.server.security.SmartClientRegistry;
import org.openimd.server.security.login.Role;
import org.openimd.server.security.login.UserAccount;
import org.openimd.server.security.login.UserAccounts;
import org.openimd.server.waveform.WaveformSamples;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * {@code --openimd.demo=true}: synthetic patients with implanted devices and interrogations, one
 * person of each role placed so that their scoping shows, and a registered client of each kind; their
 * secrets go to {@code demo-credentials.json} in the data directory, a file other tools read. Seeded
 * once: a restart with the flag finds its accounts and leaves everything, the file included, as is.
 */
@Component
@AuthorizationServerMode.Embedded
@ConditionalOnProperty(name = "openimd.demo", havingValue = "true")
// Last of the start-up work: its data is indexed by the guide's SearchParameters and coded with the IDCO terms.
@Order(Ordered.LOWEST_PRECEDENCE)
class DemoMode implements ApplicationRunner {

	static final String CREDENTIALS_FILE = "demo-credentials.json";
	private static final Logger ourLog = LoggerFactory.getLogger(DemoMode.class);
	private static final String ADMIN = "demo-admin";
	/** Patients of four device kinds, two interrogations each. */
	private static final int PATIENTS = 4;
	private static final int SESSIONS = 2;
	private static final String REDIRECT_URI = "http://127.0.0.1:7777/callback";
	/**
	 * What the demo apps may ask for: reading and writing (each person's role still decides where), and
	 * OpenIMD's administration, which counts only in the administrator's token.
	 */
	private static final List<String> APP_SCOPES = List.of("openid", "fhirUser", "launch", "launch/patient", "offline_access",
			"online_access", "patient/*.cruds", "user/*.cruds", ApiScopes.ADMIN);
	/** An EHR's: every patient's data, read and written, and launching apps (the web app among them) for its users. */
	private static final List<String> BACKEND_SCOPES = List.of("system/*.cruds", ApiScopes.LAUNCH);
	/** A device gateway's: sends interrogations and looks at what became of them. */
	private static final List<String> GATEWAY_SCOPES = List.of(ApiScopes.INGEST, ApiScopes.INGEST_ADMIN);
	/** A pharmacy system's: pump orders and the pump, and the dispenses it records; held to its pharmacy's patients and pump data. */
	private static final List<String> PHARMACY_SYSTEM_SCOPES = List.of("system/Patient.rs", "system/Device.rs", "system/Medication.crus",
			"system/MedicationRequest.rs", "system/MedicationDispense.crus");
	/** An administration tool's: accounts and clients. */
	private static final List<String> ADMINISTRATION_SCOPES = List.of(ApiScopes.ADMIN);

	private final IngestSvc myIngest;
	private final DaoRegistry myDaos;
	private final UserAccounts myAccounts;
	private final SmartClientRegistry myClients;
	private final FhirServerProperties myFhir;
	private final Environment myEnvironment;
	private final Path myDataDirectory;
	private final IdcoTermTable myTerms;
	private final Clock myClock;

	DemoMode(IngestSvc theIngest, DaoRegistry theDaos, UserAccounts theAccounts, SmartClientRegistry theClients,
			FhirServerProperties theFhir, Environment theEnvironment, @Value("${openimd.data-dir}") Path theDataDirectory,
			IdcoTermTable theTerms, Clock theClock) {
		myIngest = theIngest;
		myDaos = theDaos;
		myAccounts = theAccounts;
		myClients = theClients;
		myFhir = theFhir;
		myEnvironment = theEnvironment;
		myDataDirectory = theDataDirectory;
		myTerms = theTerms;
		myClock = theClock;
	}

	@Override
	public void run(ApplicationArguments theArguments) throws IOException, JOSEException {
		Path file = myDataDirectory.resolve(CREDENTIALS_FILE);
		if (myAccounts.find(ADMIN).isPresent()) {
			ourLog.warn("Demo mode: demo data was seeded before; its credentials are in {}", file.toAbsolutePath());
			return;
		}
		// what the documentation's examples name: records of each kind, by id
		Map<String, Object> records = new LinkedHashMap<>();
		List<String> patients = seedDeviceData(records);
		String practitioner = create(new Practitioner().addName(new HumanName().setFamily("Demo").addGiven("Clinician")));
		String reviewer = create(new Practitioner().addName(new HumanName().setFamily("Demo").addGiven("Reviewer")));
		String pharmacy = create(new Organization().setName("Demo Intrathecal Pharmacy"));
		// The synthetic interrogations name their makers by code (MDT); the pump names Medtronic by its model.
		String manufacturer = create(new Organization().setName("Medtronic").addAlias("MDT"));
		// The clinician cares for the first two patients, the pharmacy for the third: each sees only those.
		careTeam(patients.get(0), "Practitioner/" + practitioner);
		careTeam(patients.get(1), "Practitioner/" + practitioner);
		careTeam(patients.get(2), "Organization/" + pharmacy);
		seedPumpData(patients.get(2), records);
		seedWaveforms(patients, "Practitioner/" + reviewer, records);

		List<Map<String, Object>> users = new ArrayList<>();
		users.add(user("demo-patient", Role.PATIENT, Optional.of(patients.get(0)), Optional.empty()));
		users.add(user("demo-clinician", Role.CLINICIAN, Optional.of("Practitioner/" + practitioner), Optional.empty()));
		users.add(user("demo-pharmacist", Role.PHARMACIST, Optional.empty(), Optional.of("Organization/" + pharmacy)));
		users.add(user("demo-manufacturer", Role.MANUFACTURER, Optional.empty(), Optional.of("Organization/" + manufacturer)));
		users.add(user("demo-reviewer", Role.REVIEWER, Optional.of("Practitioner/" + reviewer), Optional.empty()));
		users.add(user(ADMIN, Role.ADMIN, Optional.empty(), Optional.empty()));

		Map<String, Object> credentials = new LinkedHashMap<>();
		credentials.put("fhirBase", fhirBase());
		credentials.put("users", users);
		List<Map<String, Object>> clients = List.of(publicApp(), confidentialApp(),
				backendClient("demo-backend", "OpenIMD demo EHR backend service", BACKEND_SCOPES, null, null),
				backendClient("demo-gateway", "OpenIMD demo device gateway", GATEWAY_SCOPES, null, null),
				backendClient("demo-pharmacy-system", "OpenIMD demo pharmacy system", PHARMACY_SYSTEM_SCOPES, Role.PHARMACIST,
						"Organization/" + pharmacy),
				backendClient("demo-administration", "OpenIMD demo administration tool", ADMINISTRATION_SCOPES, null, null));
		credentials.put("clients", clients);
		credentials.put("records", records);
		OwnerOnlyFile.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(credentials));
		ourLog.warn("Demo mode: seeded {} synthetic patients, {} users and {} clients; their passwords, TOTP secrets and keys "
				+ "are in {}. Never use demo mode with real patient data.", patients.size(), users.size(), clients.size(), file.toAbsolutePath());
	}

	/** Synthetic IDCO interrogations through the ingest pipeline, as a device programmer would send them; the patients they made. */
	private List<String> seedDeviceData(Map<String, Object> theRecords) {
		IdcoMessageGenerator messages = new IdcoMessageGenerator(myTerms, "DEMO" + UUID.randomUUID().toString().substring(0, 4));
		List<String> patients = new ArrayList<>();
		List<String> interrogations = new ArrayList<>();
		for (int patient = 0; patient < PATIENTS; patient++) {
			String report = null;
			for (int session = 0; session < SESSIONS; session++) {
				report = myIngest.receiveGenerated(messages.interrogation(patient, session).getBytes(StandardCharsets.ISO_8859_1), "demo mode")
						.orElseThrow(() -> new IllegalStateException("a synthetic demo interrogation was not accepted; see /ingest/messages"));
			}
			DiagnosticReport interrogation = (DiagnosticReport) myDaos.getResourceDao("DiagnosticReport")
					.read(new IdType(report), new SystemRequestDetails());
			patients.add(interrogation.getSubject().getReference());
			interrogations.add("DiagnosticReport/" + interrogation.getIdElement().getIdPart());
		}
		theRecords.put("patients", patients);
		theRecords.put("interrogations", interrogations);
		return patients;
	}

	/**
	 * A SynchroMed II with a morphine order and a reading, so that the pharmacist has pump data to see
	 * (and nothing else of the patient's): preservative-free morphine 10 mg/mL (a Mitigo strength, S47) at
	 * 0.5 mg/d (the top of PACC's starting range), filled by the demo pharmacy with 20 mL, 18 of which are in the
 * reservoir at the last reading.
	 */
	private void seedPumpData(String thePatient, Map<String, Object> theRecords) {
		Device pump = new Device().setModelNumber("8637-20").setPatient(new Reference(thePatient));
		pump.addDeviceName().setName("SynchroMed II").setType(Device.DeviceNameType.MODELNAME);
		pump.addProperty().setType(new CodeableConcept(new Coding(OpenImdUris.PUMP_PROPERTY_SYSTEM, OpenImdUris.PUMP_RESERVOIR_VOLUME, null)))
				.addValueQuantity(ucum("20", "mL"));
		String device = "Device/" + create(pump);

		Medication morphine = new Medication();
		morphine.setId("morphine");
		morphine.addIngredient().setIsActive(true)
				.setItem(new CodeableConcept(new Coding(OpenImdUris.RXNORM, "7052", "morphine")).setText("preservative-free morphine"))
				.setStrength(new Ratio().setNumerator(ucum("10", "mg")).setDenominator(ucum("1", "mL")));
		MedicationRequest order = new MedicationRequest().setStatus(MedicationRequest.MedicationRequestStatus.ACTIVE)
				.setIntent(MedicationRequest.MedicationRequestIntent.ORDER).setSubject(new Reference(thePatient))
				.setMedication(new Reference("#morphine"));
		order.addContained(morphine);
		order.addSupportingInformation(new Reference(device));
		Dosage basal = order.addDosageInstruction().setText("0.5 mg/day intrathecal, continuous")
				.setRoute(new CodeableConcept(new Coding(OpenImdUris.SNOMED_CT, OpenImdUris.INTRATHECAL_ROUTE, "Intrathecal route")));
		basal.addDoseAndRate().setRate(ucum("0.5", "mg/d"));
		String orderId = "MedicationRequest/" + create(order);
		theRecords.put("pump", device);
		theRecords.put("pumpOrder", orderId);

		// The pharmacy filled the pump yesterday; the beyond-use date is the 90 days morphine keeps in a SynchroMed (S19).
		Medication dispensed = morphine.copy();
		LocalDate handedOver = LocalDate.now(ZoneOffset.UTC).minusDays(1);
		dispensed.getBatch().setLotNumber("DEMO-0001").setExpirationDateElement(new DateTimeType(handedOver.plusDays(90).toString()));
		MedicationDispense fill = new MedicationDispense().setStatus(MedicationDispense.MedicationDispenseStatus.COMPLETED)
				.setSubject(new Reference(thePatient)).setMedication(new Reference("#morphine")).setQuantity(ucum("20", "mL"))
				.setWhenHandedOverElement(new DateTimeType(handedOver.toString()));
		fill.addContained(dispensed);
		fill.addAuthorizingPrescription(new Reference(orderId));
		fill.addDosageInstruction().setRoute(basal.getRoute().copy());
		create(fill);

		Observation reading = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(thePatient))
				.setDevice(new Reference(device)).setEffective(new DateTimeType(Date.from(myClock.instant())));
		reading.getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(OpenImdUris.PUMP_STATUS);
		reading.addComponent().setValue(ucum("18", "mL")).getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM)
				.setCode("reservoir-volume");
		reading.addComponent().setValue(ucum("0.05", "mL/d")).getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM)
				.setCode("basal-daily-volume");
		create(reading);
	}

	/**
	 * Real ECGs (origin and licences in the waveform samples' README) for the clinician's two patients:
	 * two strips of MIT-BIH record 208 for the first, the pydicom 12-lead for the second; and a review
	 * group whose member is the demo reviewer, so that a strip can be sent for review at once.
	 */
	private void seedWaveforms(List<String> thePatients, String theReviewer, Map<String, Object> theRecords) {
		List<Observation> strips = WaveformSamples.mitBih208Strips();
		List<String> ecgStrips = new ArrayList<>();
		for (int strip : new int[] {0, 2}) {
			ecgStrips.add("Observation/" + create(strips.get(strip).setSubject(new Reference(thePatients.get(0))).setEffective(new DateTimeType(Date.from(myClock.instant())))));
		}
		theRecords.put("ecgStrips", ecgStrips);
		create(WaveformSamples.twelveLeadEcg().setSubject(new Reference(thePatients.get(1))).setEffective(new DateTimeType(Date.from(myClock.instant()))));
		CareTeam group = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setName("Demo electrophysiology review group");
		group.addCategory().addCoding().setSystem(OpenImdUris.REVIEW_SYSTEM).setCode(ReviewCodes.REVIEW_GROUP);
		Extension settings = group.addExtension().setUrl(OpenImdUris.REVIEW_GROUP_EXTENSION);
		settings.addExtension("reviews", new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, OpenImdUris.ECG_STRIP, null));
		settings.addExtension("reviews", new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, OpenImdUris.EGM_EPISODE, null));
		settings.addExtension("reviews", new Coding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.INTERROGATION, null));
		group.addParticipant().setMember(new Reference(theReviewer));
		theRecords.put("reviewGroup", "CareTeam/" + create(group));
	}

	private static Quantity ucum(String theValue, String theUnit) {
		return new Quantity().setValue(new BigDecimal(theValue)).setUnit(theUnit).setSystem(OpenImdUris.UCUM).setCode(theUnit);
	}

	private void careTeam(String thePatient, String theMember) {
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(thePatient));
		team.addParticipant().setMember(new Reference(theMember));
		create(team);
	}

	private String create(IBaseResource theResource) {
		return myDaos.getResourceDao(theResource.fhirType()).create(theResource, new SystemRequestDetails()).getId().getIdPart();
	}

	private Map<String, Object> user(String theUsername, Role theRole, Optional<String> theFhirUser, Optional<String> theOrganization) {
		String password = secret();
		UserAccount account = myAccounts.create(theUsername, password, theRole, theFhirUser, theOrganization);
		Map<String, Object> user = new LinkedHashMap<>();
		user.put("username", theUsername);
		user.put("password", password);
		user.put("totpSecret", account.totpSecret());
		user.put("role", theRole.name().toLowerCase(Locale.ROOT));
		user.put("patient", theFhirUser.filter(reference -> reference.startsWith("Patient/")).orElse(null));
		user.put("practitioner", theFhirUser.filter(reference -> reference.startsWith("Practitioner/")).orElse(null));
		user.put("organization", theOrganization.orElse(null));
		return user;
	}

	private Map<String, Object> publicApp() {
		myClients.register(new AuthProperties.App("demo-public-app", "OpenIMD demo app (public, PKCE)", false, null,
				List.of(REDIRECT_URI), APP_SCOPES));
		return client("demo-public-app", "public", null, List.of(REDIRECT_URI), APP_SCOPES, null, null);
	}

	private Map<String, Object> confidentialApp() {
		String secret = secret();
		myClients.register(new AuthProperties.App("demo-confidential-app", "OpenIMD demo app (confidential)", true, secret,
				List.of(REDIRECT_URI), APP_SCOPES));
		return client("demo-confidential-app", "confidential", secret, List.of(REDIRECT_URI), APP_SCOPES, null, null);
	}

	/**
	 * A system using SMART Backend Services with an ES384 key of its own made here; the registration
	 * holds only its public half.
	 *
	 * @param theActsAs the role whose policy holds the system, with {@code theOrganization}; null for one that acts for nobody
	 */
	private Map<String, Object> backendClient(String theClientId, String theName, List<String> theScopes, Role theActsAs,
			String theOrganization) throws JOSEException {
		ECKey key = new ECKeyGenerator(Curve.P_384).keyID(UUID.randomUUID().toString()).keyUse(KeyUse.SIGNATURE)
				.algorithm(JWSAlgorithm.ES384).generate();
		myClients.register(new AuthProperties.SystemClient(theClientId, theName, new JWKSet(key.toPublicJWK()).toString(), null, theScopes,
				theActsAs, theOrganization));
		Map<String, Object> client = client(theClientId, "backend", null, List.of(), theScopes, key.toJSONObject(), key.getKeyID());
		client.put("actsAs", theActsAs == null ? null : theActsAs.name().toLowerCase(Locale.ROOT));
		client.put("organization", theOrganization);
		return client;
	}

	private static Map<String, Object> client(String theClientId, String theType, String theSecret, List<String> theRedirectUris,
			List<String> theScopes, Map<String, Object> thePrivateJwk, String theKid) {
		Map<String, Object> client = new LinkedHashMap<>();
		client.put("clientId", theClientId);
		client.put("type", theType);
		client.put("clientSecret", theSecret);
		client.put("redirectUris", theRedirectUris);
		client.put("scopes", String.join(" ", theScopes));
		client.put("privateJwk", thePrivateJwk);
		client.put("jwksKid", theKid);
		return client;
	}

	private String fhirBase() {
		if (!myFhir.publicBaseUrl().isBlank()) {
			return myFhir.publicBaseUrl();
		}
		boolean tls = myEnvironment.getProperty("server.ssl.enabled", Boolean.class, false);
		return (tls ? "https" : "http") + "://localhost:" + myEnvironment.getProperty("local.server.port") + "/fhir";
	}

	private static String secret() {
		return RandomSecret.urlSafe(18);
	}

}
