package org.openimd.server.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A check on resources as they are stored, whoever writes them and however (REST, transaction,
 * ingest): before storage it may refuse or complete the resource, after storage, once the resource has
 * its id and version, it records what it found.
 */
public abstract class CheckedWhenStored implements StorageInterceptor {

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void beforeCreate(IBaseResource theResource, RequestDetails theRequest) {
		check(theResource, Optional.empty(), theRequest);
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void beforeUpdate(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		check(theNew, Optional.ofNullable(theOld), theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void afterCreate(IBaseResource theResource, RequestDetails theRequest) {
		stored(theResource, theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void afterUpdate(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		stored(theNew, theRequest);
	}

	/**
	 * Refuses (with an exception) or completes the resource before it is stored; nothing by default.
	 *
	 * @param theVersionBefore the stored version an update replaces
	 */
	protected void check(IBaseResource theResource, Optional<IBaseResource> theVersionBefore, RequestDetails theRequest) {}

	/** What to record once the resource has its id and version; nothing by default. */
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {}
}
