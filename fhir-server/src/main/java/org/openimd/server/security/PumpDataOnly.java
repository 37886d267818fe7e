package org.openimd.server.security;

import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.Set;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * What a pharmacy may see of its patients' devices, prescriptions and dispenses: the intrathecal pump
 * data only, not their pacemaker or their oral prescriptions. The test of what is pump data is the pump
 * feature's; this applies it, to every resource a pharmacist's or pharmacy system's rule would let
 * through, in both directions: what it reads and what it writes.
 */
public class PumpDataOnly implements IAuthRuleTester {

	/** The types whose resources are pump data or not; a pharmacy's other types (Patient, Medication) are not limited by this. */
	static final Set<String> LIMITED_TYPES = Set.of("Device", "MedicationRequest", "MedicationDispense");

	private final Predicate<IBaseResource> myIsPumpData;

	public PumpDataOnly(Predicate<IBaseResource> theIsPumpData) {
		myIsPumpData = theIsPumpData;
	}

	boolean isPumpData(IBaseResource theResource) {
		return myIsPumpData.test(theResource);
	}

	@Override
	public boolean matches(RuleTestRequest theRequest) {
		// Without the resource (a search, a read by id before it is fetched) the answer comes when it is known.
		return theRequest.resource == null || myIsPumpData.test(theRequest.resource);
	}

	@Override
	public boolean matchesOutput(RuleTestRequest theRequest) {
		return theRequest.resource == null || myIsPumpData.test(theRequest.resource);
	}
}
