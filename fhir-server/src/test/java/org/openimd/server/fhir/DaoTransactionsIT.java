package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A transaction stored in order: its entries refer to what earlier ones became, conditional writes
 * match as HAPI's do, and it is all or nothing, leaving its bundle as it was when it fails, so that
 * it can be tried again.
 */
class DaoTransactionsIT extends BaseServerIT {

	private static final String SYSTEM = "urn:openimd:test:in-order";

	@Autowired
	InOrderTransactions transactions;

	@Test
	void entriesReferToWhatEarlierOnesBecameAndAConditionalCreateFindsWhatExists() {
		String mrn = UUID.randomUUID().toString();
		String existing = "Patient/" + stored(patient(mrn));
		String serial = UUID.randomUUID().toString();
		Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		String patient = post(bundle, patient(mrn), "identifier=" + SYSTEM + "|" + mrn);
		Device device = new Device().setPatient(new Reference(patient));
		device.addIdentifier().setSystem(SYSTEM).setValue(serial);
		String deviceUrn = entry(bundle, device, Bundle.HTTPVerb.PUT, "Device?identifier=" + SYSTEM + "|" + serial).getFullUrl();
		post(bundle, new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(patient)).setDevice(new Reference(deviceUrn)),
				null);

		List<IIdType> ids = transactions.store(bundle);

		assertThat(ids).hasSize(3);
		assertThat(ids.get(0).toUnqualifiedVersionless().getValue()).as("the patient who was there").isEqualTo(existing);
		Observation observation = client.read().resource(Observation.class).withId(ids.get(2).toUnqualifiedVersionless()).execute();
		assertThat(observation.getSubject().getReference()).isEqualTo(existing);
		assertThat(observation.getDevice().getReference()).isEqualTo(ids.get(1).toUnqualifiedVersionless().getValue());
		assertThat(client.read().resource(Device.class).withId(ids.get(1).toUnqualifiedVersionless()).execute().getPatient().getReference())
				.isEqualTo(existing);
	}

	@Test
	void anEntryThatFailsLeavesNothingStoredAndTheBundleAsItWasSoThatItCanBeTriedAgain() {
		String shared = UUID.randomUUID().toString();
		stored(patient(shared));
		String second = stored(patient(shared));
		String serial = UUID.randomUUID().toString();
		Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Device device = new Device();
		device.addIdentifier().setSystem(SYSTEM).setValue(serial);
		String deviceUrn = post(bundle, device, null);
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setDevice(new Reference(deviceUrn));
		post(bundle, observation, null);
		// two patients have this identifier: the conditional update cannot know which to update
		entry(bundle, patient(shared), Bundle.HTTPVerb.PUT, "Patient?identifier=" + SYSTEM + "|" + shared);

		assertThatThrownBy(() -> transactions.store(bundle)).isInstanceOf(PreconditionFailedException.class);

		assertThat(devicesWith(serial)).as("the device stored before the failing entry").isEmpty();
		assertThat(observation.getDevice().getReference()).isEqualTo(deviceUrn);
		assertThat(device.getIdElement().getValue()).isNull();

		client.delete().resourceById(new IdType("Patient", second)).execute();
		List<IIdType> ids = transactions.store(bundle);
		assertThat(devicesWith(serial)).hasSize(1);
		assertThat(client.read().resource(Observation.class).withId(ids.get(1).toUnqualifiedVersionless()).execute().getDevice().getReference())
				.isEqualTo(ids.get(0).toUnqualifiedVersionless().getValue());
	}

	@Test
	void whatCannotBeStoredInOrderIsRefusedAndNothingIsStored() {
		String serial = UUID.randomUUID().toString();
		Bundle forward = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Device device = new Device();
		device.addIdentifier().setSystem(SYSTEM).setValue(serial);
		post(forward, device, null);
		post(forward, new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference("urn:uuid:" + UUID.randomUUID())), null);

		assertThatThrownBy(() -> transactions.store(forward)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no earlier entry");
		assertThat(devicesWith(serial)).isEmpty();

		Bundle delete = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		post(delete, device, null);
		delete.addEntry().getRequest().setMethod(Bundle.HTTPVerb.DELETE).setUrl("Device?identifier=" + SYSTEM + "|" + serial);
		assertThatThrownBy(() -> transactions.store(delete)).isInstanceOf(IllegalArgumentException.class);
		assertThat(devicesWith(serial)).isEmpty();
	}

	private static Patient patient(String theIdentifier) {
		Patient patient = new Patient();
		patient.addIdentifier().setSystem(SYSTEM).setValue(theIdentifier);
		return patient;
	}

	private List<BundleEntryComponent> devicesWith(String theSerial) {
		return client.search().forResource(Device.class).where(Device.IDENTIFIER.exactly().systemAndCode(SYSTEM, theSerial))
				.returnBundle(Bundle.class).execute().getEntry();
	}

	private static String post(Bundle theBundle, Resource theResource, String theIfNoneExist) {
		BundleEntryComponent entry = entry(theBundle, theResource, Bundle.HTTPVerb.POST, theResource.fhirType());
		entry.getRequest().setIfNoneExist(theIfNoneExist);
		return entry.getFullUrl();
	}

	private static BundleEntryComponent entry(Bundle theBundle, Resource theResource, Bundle.HTTPVerb theVerb, String theUrl) {
		BundleEntryComponent entry = theBundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(theResource);
		entry.getRequest().setMethod(theVerb).setUrl(theUrl);
		return entry;
	}
}
