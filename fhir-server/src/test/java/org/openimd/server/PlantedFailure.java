package org.openimd.server;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A failure planted in the middle of an operation's writes: registered with the storage interceptors,
 * it fails the {@code theNth} resource that {@code theWhich} accepts as it is about to be stored, after
 * the operation has written what comes before it.
 */
public class PlantedFailure {

	private final Predicate<IBaseResource> myWhich;
	private final int myNth;
	private final AtomicInteger mySeen = new AtomicInteger();

	public PlantedFailure(Predicate<IBaseResource> theWhich, int theNth) {
		myWhich = theWhich;
		myNth = theNth;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void creating(IBaseResource theResource) {
		if (myWhich.test(theResource) && mySeen.incrementAndGet() == myNth) {
			throw new UnprocessableEntityException("a failure planted by the test");
		}
	}
}
