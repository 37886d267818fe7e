package org.openimd.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.model.DeleteConflictList;
import ca.uhn.fhir.jpa.delete.DeleteConflictOutcome;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.openimd.server.fhir.StorageInterceptor;

/**
 * Keeps the audit trail append-only, whatever a token's scopes say: only the {@link AuditTrail}'s
 * writer creates AuditEvents, and nobody updates, deletes or expunges one. Registered with the JPA
 * storage layer, below the REST API, so that transactions, conditional writes and operations cannot
 * go round it.
 */
@Interceptor
class AuditEventProtection implements StorageInterceptor {

	private static final String AUDIT_EVENT = "AuditEvent";

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource theResource, RequestDetails theRequest) {
		if (isAuditEvent(theResource) && !AuditTrail.isWriter(theRequest)) {
			throw new ForbiddenOperationException("AuditEvents are recorded by the server, not created through the API");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource theOldResource, IBaseResource theNewResource) {
		if (isAuditEvent(theNewResource)) {
			throw new ForbiddenOperationException("AuditEvents cannot be changed");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
	public void beforeDelete(IBaseResource theResource) {
		if (isAuditEvent(theResource)) {
			throw new ForbiddenOperationException("AuditEvents cannot be deleted");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_RESOURCE)
	public void beforeExpunge(IBaseResource theResource) {
		if (isAuditEvent(theResource)) {
			throw new ForbiddenOperationException("AuditEvents cannot be expunged");
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_EXPUNGE_EVERYTHING)
	public void beforeExpungeEverything() {
		throw new ForbiddenOperationException("expunging everything would erase the audit trail");
	}

	/** The trail outlives what it mentions: who read a patient must not stop the patient's deletion. */
	@Hook(Pointcut.STORAGE_PRESTORAGE_DELETE_CONFLICTS)
	public DeleteConflictOutcome auditEventsDoNotBlockDeletes(DeleteConflictList theConflicts) {
		theConflicts.removeIf(conflict -> AUDIT_EVENT.equals(conflict.getSourceId().getResourceType()));
		return null;
	}

	private static boolean isAuditEvent(IBaseResource theResource) {
		return theResource != null && AUDIT_EVENT.equals(theResource.fhirType());
	}
}
