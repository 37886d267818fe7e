package org.openimd.server.security;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.IdType;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.login.Role;

/**
 * Every write a client makes, on its own, as an entry of a batch or transaction, or through an
 * operation that writes as the caller, passes here just before it is stored (HAPI's storage pointcuts
 * see all of them):
 * <ul>
 *   <li>A token limited to some patients writes a resource only if every patient it links to, through
 *       any reference anywhere in it ({@code subject}, {@code performer}, {@code focus}, an extension…)
 *       or through a record it links to ({@code derivedFrom}, {@code device}), is within reach: one link
 *       out of reach refuses the whole write. HAPI's compartment rule is satisfied by one link alone.
 *   <li>Resources that grant access ({@link AccessGrantingResources}) are written only by those
 *       entitled to grant it, and each such change is audited.
 * </ul>
 * The server's own writes ({@link SystemRequestDetails}) are not a client's and pass.
 */
public class WriteGate {

	private static final String PATIENT = "Patient";

	private final CareRelationships myCare;
	private final List<AccessGrantingResources> myGrantingResources;
	private final List<AddressedResources> myAddressedResources;
	private final FhirTerser myTerser;
	private final DaoRegistry myDaos;
	private final AuditTrail myAudit;

	WriteGate(CareRelationships theCare, List<AccessGrantingResources> theGrantingResources, List<AddressedResources> theAddressedResources,
			FhirContext theFhir, AuditTrail theAudit, DaoRegistry theDaos) {
		myCare = theCare;
		myGrantingResources = theGrantingResources;
		myAddressedResources = theAddressedResources;
		myTerser = theFhir.newTerser();
		myDaos = theDaos;
		myAudit = theAudit;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void creating(IBaseResource theResource, RequestDetails theRequest) {
		checkLinks(theRequest, theResource);
		checkGrantor(theRequest, theResource);
	}

	/** What the update writes is judged by its links; both versions by who may change access, so no grant is turned into another. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updating(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		checkLinks(theRequest, theNew);
		checkGrantor(theRequest, theOld);
		checkGrantor(theRequest, theNew);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleting(IBaseResource theResource, RequestDetails theRequest) {
		checkGrantor(theRequest, theResource);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource theResource, RequestDetails theRequest) {
		auditAccessChange(theRequest, theResource, AuditEventAction.C);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		auditAccessChange(theRequest, theNew, AuditEventAction.U);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource theResource, RequestDetails theRequest) {
		auditAccessChange(theRequest, theResource, AuditEventAction.D);
	}

	private void checkLinks(RequestDetails theRequest, IBaseResource theResource) {
		if (fromAClient(theRequest) && theResource != null) {
			AccessContext access = AccessContext.of(theRequest, myCare);
			if (access.policy().filter(Role.ADMIN::equals).isEmpty()) {
				access.patientLimit().ifPresent(reachable -> {
					refuseLinksBeyond(theResource, reachable, theRequest);
					refuseAddresseesBeyond(theResource, reachable);
				});
			}
		}
	}

	private void checkGrantor(RequestDetails theRequest, IBaseResource theResource) {
		if (fromAClient(theRequest) && theResource != null) {
			grantor(theResource).ifPresent(grantor -> refuseUnlessGrantor(AccessContext.of(theRequest, myCare), grantor, theResource));
		}
	}

	/** Every change of who reaches what is a security event of its own, whoever made it through the API. */
	private void auditAccessChange(RequestDetails theRequest, IBaseResource theResource, AuditEventAction theAction) {
		if (fromAClient(theRequest) && theResource != null && grantor(theResource).isPresent()) {
			String id = theResource.fhirType() + "/" + theResource.getIdElement().getIdPart();
			myAudit.record(AuditEvents.accessChanged(id, theAction,
					id + " " + theAction.getDisplay().toLowerCase(Locale.ROOT) + ": it decides who reaches which patients",
					AuditEvents.remoteAddress(theRequest)));
		}
	}

	/**
	 * A message goes only to a patient within reach, or to someone on the care team of one (a patient's
	 * own care team; a clinician's colleagues caring for the same patients), or to such a care team.
	 */
	private void refuseAddresseesBeyond(IBaseResource theResource, Set<String> theReachable) {
		for (String addressee : myAddressedResources.stream().flatMap(declared -> declared.addresseesOf(theResource).stream()).toList()) {
			IdType target = new IdType(addressee);
			boolean reached = switch (String.valueOf(target.getResourceType())) {
				case PATIENT -> theReachable.contains(target.getIdPart());
				case "CareTeam" -> careTeamSubject(target).filter(theReachable::contains).isPresent();
				default -> myCare.patientsOf(target.toUnqualifiedVersionless().getValue()).stream().anyMatch(theReachable::contains);
			};
			if (!reached) {
				throw new ForbiddenOperationException(theResource.fhirType() + " addressed to " + addressee + ": a message goes only to the"
						+ " patients the caller reaches and to those on their care teams");
			}
		}
	}

	private Optional<String> careTeamSubject(IdType theCareTeam) {
		try {
			CareTeam team = (CareTeam) myDaos.getResourceDao("CareTeam").read(theCareTeam.toUnqualifiedVersionless(), new SystemRequestDetails());
			return Optional.of(team.getSubject().getReferenceElement()).filter(subject -> PATIENT.equals(subject.getResourceType()))
					.map(IIdType::getIdPart);
		} catch (ResourceNotFoundException | ResourceGoneException noSuchTeam) {
			return Optional.empty();
		}
	}

	private Optional<AccessGrantingResources.Grantor> grantor(IBaseResource theResource) {
		return myGrantingResources.stream().map(declared -> declared.grantorOf(theResource)).flatMap(Optional::stream).findFirst();
	}

	private static boolean fromAClient(RequestDetails theRequest) {
		return theRequest != null && !(theRequest instanceof SystemRequestDetails);
	}

	/**
	 * Every patient {@code theResource} links to must be within reach: directly, or through their records
	 * ({@code derivedFrom} another patient's Observation, {@code device} another patient's implant),
	 * whose patients are their Patient compartment's owners, with OpenIMD's Devices and Tasks. Each linked
	 * record is looked up once; nobody's records (practitioners, organisations, terminology) are not
	 * looked up at all. A link to nothing stored (a resource the same transaction creates, an external
	 * URL) is for HAPI's referential integrity to judge, not this.
	 */
	private void refuseLinksBeyond(IBaseResource theResource, Set<String> theReachable, RequestDetails theRequest) {
		Set<String> judged = new HashSet<>();
		for (IBaseReference reference : myTerser.getAllPopulatedChildElementsOfType(theResource, IBaseReference.class)) {
			IIdType target = reference.getReferenceElement();
			if (target == null || !target.hasResourceType() || !target.hasIdPart() || target.getValue().startsWith("#")
					|| (target.hasBaseUrl() && !target.getBaseUrl().equals(theRequest.getFhirServerBase()))
					|| SmartAuthorizationInterceptor.SHARED_TYPES.contains(target.getResourceType())
					|| !myDaos.isResourceTypeSupported(target.getResourceType())
					|| !judged.add(target.getResourceType() + "/" + target.getIdPart())) {
				continue;
			}
			List<String> patients = PATIENT.equals(target.getResourceType()) ? List.of(target.getIdPart()) : patientsOf(target);
			if (!theReachable.containsAll(patients)) {
				// Which link is not said: the answer must not confirm that an id is someone's.
				throw new ForbiddenOperationException("this " + theResource.fhirType() + " links to a patient, or a patient's record,"
						+ " this token may not write for; everything a resource links to must be within reach");
			}
		}
	}

	private List<String> patientsOf(IIdType theLinked) {
		IBaseResource linked;
		try {
			linked = myDaos.getResourceDao(theLinked.getResourceType()).read(theLinked.toUnqualifiedVersionless(), new SystemRequestDetails());
		} catch (ResourceNotFoundException | ResourceGoneException notStored) {
			return List.of();
		}
		return PatientCompartment.patientsOf(myTerser, linked);
	}

	private static void refuseUnlessGrantor(AccessContext theAccess, AccessGrantingResources.Grantor theGrantor, IBaseResource theResource) {
		boolean administrator = theAccess.policy().map(Role.ADMIN::equals)
				// A system that acts for nobody in particular: its token carries no role and acts as no one.
				.orElse(theAccess.token().isPresent());
		if (theGrantor == AccessGrantingResources.Grantor.SERVER_OPERATIONS || !administrator) {
			throw new ForbiddenOperationException(theResource.fhirType() + " decides who reaches which patients and is written only by "
					+ (theGrantor == AccessGrantingResources.Grantor.SERVER_OPERATIONS ? "the server's own operations" : "administrators"));
		}
	}

}
