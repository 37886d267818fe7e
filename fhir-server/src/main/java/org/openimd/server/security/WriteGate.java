package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.util.FhirTerser;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.security.login.Role;

/**
 * Every write a client makes, on its own, as an entry of a batch or transaction, or through an
 * operation that writes as the caller, passes here just before it is stored (HAPI's storage pointcuts
 * see all of them):
 * <ul>
 *   <li>A token limited to some patients writes a resource only if every patient it names, through any
 *       reference anywhere in it ({@code subject}, {@code performer}, {@code focus}, an extension…), is
 *       one the token reaches: one link out of reach refuses the whole write. HAPI's compartment rule
 *       is satisfied by one link alone.
 *   <li>Resources that grant access ({@link AccessGrantingResources}) are written only by those
 *       entitled to grant it, and each such change is audited.
 * </ul>
 * The server's own writes ({@link SystemRequestDetails}) are not a client's and pass.
 */
public class WriteGate {

	private static final String PATIENT = "Patient";

	private final CareRelationships myCare;
	private final List<AccessGrantingResources> myGrantingResources;
	private final FhirTerser myTerser;
	private final AuditTrail myAudit;

	WriteGate(CareRelationships theCare, List<AccessGrantingResources> theGrantingResources, FhirContext theFhir, AuditTrail theAudit) {
		myCare = theCare;
		myGrantingResources = theGrantingResources;
		myTerser = theFhir.newTerser();
		myAudit = theAudit;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void creating(IBaseResource theResource, RequestDetails theRequest) {
		check(theRequest, theResource);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updating(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		check(theRequest, theOld);
		check(theRequest, theNew);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void deleting(IBaseResource theResource, RequestDetails theRequest) {
		check(theRequest, theResource);
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

	private void check(RequestDetails theRequest, IBaseResource theResource) {
		if (!fromAClient(theRequest) || theResource == null) {
			return;
		}
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (access.policy().filter(Role.ADMIN::equals).isEmpty()) {
			access.patientLimit().ifPresent(reachable -> refuseLinksBeyond(theResource, reachable));
		}
		grantor(theResource).ifPresent(grantor -> refuseUnlessGrantor(access, grantor, theResource));
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

	private Optional<AccessGrantingResources.Grantor> grantor(IBaseResource theResource) {
		return myGrantingResources.stream().map(declared -> declared.grantorOf(theResource)).flatMap(Optional::stream).findFirst();
	}

	private static boolean fromAClient(RequestDetails theRequest) {
		return theRequest != null && !(theRequest instanceof SystemRequestDetails);
	}

	private void refuseLinksBeyond(IBaseResource theResource, Set<String> theReachable) {
		boolean beyond = myTerser.getAllPopulatedChildElementsOfType(theResource, IBaseReference.class).stream()
				.map(IBaseReference::getReferenceElement)
				.anyMatch(target -> target != null && PATIENT.equals(target.getResourceType()) && target.hasIdPart()
						&& !theReachable.contains(target.getIdPart()));
		if (beyond) {
			// Which patient is not said: the answer must not confirm that an id is someone's.
			throw new ForbiddenOperationException("this " + theResource.fhirType() + " names a patient this token may not write for;"
					+ " every patient a resource links to must be within reach");
		}
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
