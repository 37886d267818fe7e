package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.auth.CompartmentSearchParameterModifications;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * Whose record a resource is part of: FHIR R4's Patient compartment, to which OpenIMD adds the Devices
 * implanted in a patient ({@code Device.patient}) and the Tasks for a patient ({@code Task.patient}),
 * both of which R4 leaves out.
 */
public final class PatientCompartment {

	private static final String PATIENT = "Patient";

	static final CompartmentSearchParameterModifications OPENIMD_ADDITIONS = new CompartmentSearchParameterModifications();

	static {
		OPENIMD_ADDITIONS.addSPToIncludeInCompartment("Device", "patient");
		OPENIMD_ADDITIONS.addSPToIncludeInCompartment("Task", "patient");
		// HAPI's lookups add an empty entry for a type they have not seen, into a plain HashMap: on this one
		// instance, shared by every request's rules, two requests at once then failed with a
		// ConcurrentModificationException (a 500 in the web app). Every type's entry is made here, so that
		// the lookups only ever read.
		for (String type : FhirContext.forR4Cached().getResourceTypes()) {
			OPENIMD_ADDITIONS.getAdditionalSearchParamNamesForResourceType(type);
			OPENIMD_ADDITIONS.getOmittedSPNamesForResourceType(type);
		}
	}

	private PatientCompartment() {}

	/** The ids of the patients whose record {@code theResource} is part of: a Patient's own, or its compartment's owners. */
	public static List<String> patientsOf(FhirTerser theTerser, IBaseResource theResource) {
		if (PATIENT.equals(theResource.fhirType())) {
			return theResource.getIdElement().hasIdPart() ? List.of(theResource.getIdElement().getIdPart()) : List.of();
		}
		// The owners HAPI finds through a compartment parameter may be of any type (a CareTeam's practitioners): only patients count.
		return theTerser.getCompartmentOwnersForResource(PATIENT, theResource, OPENIMD_ADDITIONS).stream()
				.filter(owner -> PATIENT.equals(owner.getResourceType())).map(IIdType::getIdPart).distinct().toList();
	}
}
