package org.openimd.server.deid;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.CareRelationships;

/**
 * {@code $manufacturer-export}: what a device manufacturer may see of the devices it made, and only of
 * those: each Device, its Observations and interrogation reports, and its patient, all through the
 * Safe Harbor profile (no names, identifiers, serial numbers or UDIs; years only; pseudonyms that
 * link a device to its readings and its patient without saying who the patient is). A device is the
 * caller's when its {@code manufacturer} is the name or an alias of the Organization the caller's token
 * acts for, or, for a pump without one, when its model is one of that manufacturer's in the pump data.
 * Every export is audited: who asked, and for each patient concerned a disclosure (IHE BALP's
 * Privacy Disclosure at the Source) naming the resources released to whom.
 */
public class ManufacturerExportProvider {

	private final Deidentifier myDeidentifier;
	private final DaoRegistry myDaos;
	private final ManufacturersDevices myDevices;
	private final AuditTrail myAudit;
	private final CareRelationships myCare;
	private final Clock myClock;

	public ManufacturerExportProvider(Deidentifier theDeidentifier, DaoRegistry theDaos, ManufacturersDevices theDevices, AuditTrail theAudit,
			CareRelationships theCare, Clock theClock) {
		myDeidentifier = theDeidentifier;
		myClock = theClock;
		myDaos = theDaos;
		myDevices = theDevices;
		myAudit = theAudit;
		myCare = theCare;
	}

	@Operation(name = "$manufacturer-export", idempotent = true)
	public Bundle export(RequestDetails theRequest) {
		String organization = AccessContext.of(theRequest, myCare).manufacturer()
				.orElseThrow(() -> new ForbiddenOperationException("$manufacturer-export is for a manufacturer's token with a Device scope"));
		Collection<Device> devices = myDevices.madeBy(organization);
		Bundle export = new Bundle().setType(Bundle.BundleType.COLLECTION).setTimestamp(Date.from(myClock.instant()));
		export.getMeta().addSecurity(Deidentifier.ANONYMIZED.copy());
		Map<String, Patient> patients = new LinkedHashMap<>();
		Map<String, List<Reference>> releasedByPatient = new LinkedHashMap<>();
		for (Device device : devices) {
			String reference = device.getIdElement().toUnqualifiedVersionless().getValue();
			List<IBaseResource> released = new ArrayList<>();
			released.add(device);
			released.addAll(search(Observation.class, Observation.SP_DEVICE, reference));
			released.addAll(search(DiagnosticReport.class, "device", reference));
			released.forEach(resource -> add(export, resource));
			if (device.hasPatient()) {
				patient(device.getPatient()).ifPresent(patient -> {
					patients.putIfAbsent(patient.getIdElement().getIdPart(), patient);
					releasedByPatient.computeIfAbsent(patient.getIdElement().getIdPart(), id -> new ArrayList<>())
							.addAll(released.stream().map(resource -> new Reference(resource.getIdElement().toUnqualifiedVersionless())).toList());
				});
			}
		}
		patients.values().forEach(patient -> add(export, patient));
		String remoteAddress = AuditEvents.remoteAddress(theRequest);
		myAudit.record(AuditEvents.operationCalled("$manufacturer-export", "De-identified export of " + devices.size() + " devices for "
				+ organization, patients.keySet().stream().map(id -> new Reference("Patient/" + id)).toList(), true, remoteAddress));
		releasedByPatient.forEach((patient, released) -> myAudit.record(AuditEvents.disclosed("$manufacturer-export",
				new Reference("Patient/" + patient), released, new Reference(organization), "de-identified data of one patient to " + organization,
				theRequest.getFhirServerBase(), remoteAddress)));
		return export;
	}

	private <T extends IBaseResource> List<T> search(Class<T> theType, String theParameter, String theReference) {
		return ServerSearches.everyMatch(myDaos, theType, SearchParameterMap.newSynchronous().add(theParameter, new ReferenceParam(theReference)));
	}


	private Optional<Patient> patient(Reference thePatient) {
		try {
			return Optional.of(myDaos.getResourceDao(Patient.class).read(thePatient.getReferenceElement().toUnqualifiedVersionless(),
					new SystemRequestDetails()));
		} catch (ResourceNotFoundException e) {
			return Optional.empty();
		}
	}

	private void add(Bundle theExport, IBaseResource theResource) {
		theExport.addEntry().setResource(myDeidentifier.deidentify((Resource) theResource));
	}

}
