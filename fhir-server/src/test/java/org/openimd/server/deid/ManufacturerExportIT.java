package org.openimd.server.deid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.terminology.OpenImdUris;

/**
 * Two manufacturers each export the devices they made, de-identified by the Safe Harbor profile:
 * their own devices only, with readings and patients linked by pseudonyms, and nothing that says who
 * the patients are. Nobody else may call the export, and a manufacturer reads nothing through the API.
 */
class ManufacturerExportIT extends BaseServerIT {

	private static final String SCOPES = "system/Device.rs system/Observation.rs";

	String alice;
	String synchroMed;
	String pacemaker;
	String prometra;
	String otherMakersDevice;
	String reading;
	String medtronic;
	String flowonix;
	String serial;

	@BeforeEach
	void twoManufacturersDevicesInTwoPatients() {
		serial = "NGP" + uniqueIdentifier().getValue().substring(0, 8);
		medtronic = create(new Organization().setName("Medtronic plc").addAlias("Medtronic"));
		flowonix = create(new Organization().setName("Flowonix Medical").addAlias("Flowonix"));
		Patient patient = new Patient().addIdentifier(uniqueIdentifier()).setBirthDateElement(new DateType("1962-04-17"));
		patient.addName().setFamily("Exportova").addGiven("Alice");
		patient.addAddress().addLine("1 Main Street").setCity("Springfield").setState("NH").setPostalCode("03601");
		alice = create(patient);
		String bob = create(new Patient().addIdentifier(uniqueIdentifier()).addName(new org.hl7.fhir.r4.model.HumanName().setFamily("Bobsky")));

		Device pump = new Device().setModelNumber("8637-20").setSerialNumber(serial).setPatient(new Reference("Patient/" + alice));
		pump.addUdiCarrier().setCarrierHRF("(01)00643169001763(21)" + serial);
		synchroMed = create(pump);
		pacemaker = create(new Device().setManufacturer("Medtronic").setModelNumber("W1DR01").setSerialNumber(serial + "P")
				.setPatient(new Reference("Patient/" + alice)));
		prometra = create(new Device().setModelNumber("13827").setSerialNumber(serial + "F").setPatient(new Reference("Patient/" + bob)));
		otherMakersDevice = create(new Device().setManufacturer("Boston Scientific").setModelNumber("L331")
				.setPatient(new Reference("Patient/" + alice)));

		Observation status = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("Patient/" + alice))
				.setDevice(new Reference("Device/" + synchroMed)).setEffective(new DateTimeType("2026-03-01T09:30:00+01:00"));
		status.getCode().addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode(OpenImdUris.PUMP_STATUS);
		status.addComponent().setValue(new Quantity().setValue(18).setUnit("mL").setSystem(OpenImdUris.UCUM).setCode("mL")).getCode().addCoding()
				.setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode("reservoir-volume");
		status.addComponent().setValue(new Quantity().setValue(0.2).setUnit("mL/d").setSystem(OpenImdUris.UCUM).setCode("mL/d")).getCode()
				.addCoding().setSystem(OpenImdUris.PUMP_TELEMETRY_SYSTEM).setCode("basal-daily-volume");
		reading = create(status);
	}

	private String create(Resource theResource) {
		return client.create().resource(theResource).execute().getId().getIdPart();
	}

	private IGenericClient manufacturer(String theOrganization, String theScopes) throws Exception {
		IGenericClient caller = FHIR.newRestfulGenericClient(fhirBase());
		caller.registerInterceptor(new BearerTokenAuthInterceptor(
				TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + theOrganization, theScopes)));
		return caller;
	}

	private static Bundle export(IGenericClient theCaller) {
		return theCaller.operation().onServer().named("$manufacturer-export").withNoParameters(Parameters.class).returnResourceType(Bundle.class)
				.useHttpGet().execute();
	}

	private static <T extends Resource> List<T> entries(Bundle theExport, Class<T> theType) {
		return theExport.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(theType::isInstance).map(theType::cast).toList();
	}

	/** The pseudonym the server gives {@code theId}, under the tests' key. */
	private static String pseudonym(String theId) {
		return new Deidentifier(FHIR, DeidentificationProfile.safeHarbor(), Base64.getUrlDecoder().decode(DEID_KEY), Clock.systemUTC())
				.pseudonym(theId);
	}

	private static <T extends Resource> T entry(Bundle theExport, Class<T> theType, String theId) {
		return entries(theExport, theType).stream().filter(resource -> resource.getIdElement().getIdPart().equals(pseudonym(theId))).findFirst()
				.orElseThrow(() -> new AssertionError("no " + theType.getSimpleName() + " " + theId + " in the export"));
	}

	private static List<String> ids(Bundle theExport) {
		return theExport.getEntry().stream().map(entry -> entry.getResource().getIdElement().getIdPart()).toList();
	}


	@Test
	void aManufacturerGetsItsOwnDevicesWithTheirReadingsAndPatientsDeidentified() throws Exception {
		Bundle export = export(manufacturer(medtronic, SCOPES));

		assertThat(entries(export, Device.class)).as("only Medtronic's devices, from this test and any other")
				.allSatisfy(device -> assertThat(device.hasManufacturer() ? device.getManufacturer() : device.getModelNumber())
						.isIn("Medtronic", "8637-20", "8637-40"));
		assertThat(ids(export)).doesNotContain(pseudonym(prometra), pseudonym(otherMakersDevice));
		Device pump = entry(export, Device.class, synchroMed);
		assertThat(pump.getModelNumber()).isEqualTo("8637-20");
		assertThat(pump.hasSerialNumber()).isFalse();
		assertThat(pump.getUdiCarrier()).isEmpty();
		assertThat(entry(export, Device.class, pacemaker).getModelNumber()).isEqualTo("W1DR01");

		Patient patient = entry(export, Patient.class, alice);
		assertThat(patient.getName()).isEmpty();
		assertThat(patient.getIdentifier()).isEmpty();
		assertThat(patient.getBirthDateElement().getValueAsString()).isEqualTo("1962");
		assertThat(patient.getAddressFirstRep().getPostalCode()).as("036 is a restricted ZIP3").isEqualTo("000");
		assertThat(patient.getAddressFirstRep().getState()).isEqualTo("NH");
		assertThat(pump.getPatient().getReference()).isEqualTo("Patient/" + pseudonym(alice));

		Observation observation = entry(export, Observation.class, reading);
		assertThat(observation.getDevice().getReference()).isEqualTo("Device/" + pseudonym(synchroMed));
		assertThat(observation.getSubject().getReference()).isEqualTo("Patient/" + pseudonym(alice));
		assertThat(observation.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2026");
		assertThat(((Quantity) observation.getComponentFirstRep().getValue()).getValue()).isEqualByComparingTo("18");

		String json = FHIR.newJsonParser().encodeResourceToString(export);
		assertThat(json).doesNotContain(serial, "Exportova", "Springfield", "03601", "1962-04", "(01)");
		assertThat(json).doesNotContainPattern("\"id\":\"(" + String.join("|", alice, synchroMed, pacemaker, reading) + ")\"");
		assertThat(export.getEntry()).allSatisfy(entry -> assertThat(entry.getResource().getMeta().getSecurity())
				.anySatisfy(label -> assertThat(label.getCode()).isEqualTo("ANONYED")));
	}

	@Test
	void anotherManufacturerGetsOnlyItsOwn() throws Exception {
		Bundle export = export(manufacturer(flowonix, SCOPES));
		assertThat(entries(export, Device.class)).as("only Prometra pumps, by model number or model name").allSatisfy(device -> assertThat(
				device.hasModelNumber() ? device.getModelNumber() : device.getDeviceNameFirstRep().getName())
				.isIn("11827", "13827", "16827", "Prometra", "Prometra II"));
		assertThat(entry(export, Device.class, prometra).getModelNumber()).isEqualTo("13827");
		assertThat(ids(export)).doesNotContain(pseudonym(synchroMed), pseudonym(pacemaker), pseudonym(otherMakersDevice), pseudonym(reading));
		assertThat(FHIR.newJsonParser().encodeResourceToString(export)).doesNotContain("Bobsky");
	}

	@Test
	void eachExportIsAuditedWithThePatientsItConcernedAndAsADisclosureOfEachPatientsData() throws Exception {
		export(manufacturer(medtronic, SCOPES));
		List<AuditEvent> events = auditEventsEventually("entity=Patient/" + alice,
				event -> event.getOutcomeDesc() != null && event.getOutcomeDesc().contains("Organization/" + medtronic));
		assertThat(events).anySatisfy(event ->
				assertThat(event.getOutcomeDesc()).matches("De-identified export of \\d+ devices for Organization/" + medtronic));

		AuditEvent disclosure = auditEventsEventually("entity=Patient/" + alice + "&type=http://dicom.nema.org/resources/ontology/DCM|110106",
				event -> event.getOutcomeDesc().contains("Organization/" + medtronic)).get(0);
		assertThat(disclosure.getSubtype()).extracting(Coding::getSystem, Coding::getCode)
				.contains(tuple("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose"));
		assertThat(disclosure.getAction()).isEqualTo(AuditEvent.AuditEventAction.R);
		AuditEvent.AuditEventAgentComponent source = agent(disclosure, "110153");
		assertThat(source.getWho().getDisplay()).isEqualTo(disclosure.getSource().getObserver().getDisplay());
		assertThat(source.getNetwork().getAddress()).isEqualTo(fhirBase());
		assertThat(agent(disclosure, "110152").getWho().getReference()).isEqualTo("Organization/" + medtronic);
		assertThat(disclosure.getEntity()).filteredOn(entity -> "1".equals(entity.getRole().getCode()))
				.extracting(entity -> entity.getWhat().getReference()).containsExactly("Patient/" + alice);
		assertThat(disclosure.getEntity()).filteredOn(entity -> "4".equals(entity.getRole().getCode()))
				.extracting(entity -> entity.getWhat().getReference()).contains("Device/" + synchroMed)
				.allMatch(reference -> reference.matches("(Device|Observation|DiagnosticReport)/\\d+"));
	}

	private static AuditEvent.AuditEventAgentComponent agent(AuditEvent theEvent, String theDicomRole) {
		return theEvent.getAgent().stream().filter(agent -> agent.getType().getCoding().stream().anyMatch(coding -> theDicomRole.equals(coding.getCode())))
				.findFirst().orElseThrow(() -> new AssertionError("no agent of role " + theDicomRole));
	}

	@Test
	void nobodyButAManufacturerWithADeviceScopeMayExportAndAManufacturerReadsNothingDirectly() throws Exception {
		assertThat(refusal(() -> export(FHIR.newRestfulGenericClient(fhirBase())))).isEqualTo(401);
		assertThat(refusal(() -> export(client))).as("a system that is no manufacturer").isEqualTo(403);
		IGenericClient withoutDevices = manufacturer(medtronic, "system/Observation.rs");
		assertThat(refusal(() -> export(withoutDevices))).as("no Device scope").isEqualTo(403);

		IGenericClient maker = manufacturer(medtronic, SCOPES);
		assertThat(refusal(() -> maker.read().resource(Device.class).withId(synchroMed).execute())).isEqualTo(403);
		assertThat(refusal(() -> maker.read().resource(Patient.class).withId(alice).execute())).isEqualTo(403);
		assertThat(refusal(() -> maker.search().forResource(Observation.class).returnBundle(Bundle.class).execute())).isEqualTo(403);
	}
}
