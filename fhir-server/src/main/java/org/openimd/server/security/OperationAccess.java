package org.openimd.server.security;

import java.util.Optional;
import java.util.function.Predicate;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * What a feature declares to the gate about an operation it serves: its name, where it is called
 * (on the server, or on instances of a type), and which tokens may call it at all. The gate allows it
 * to those alone, and its answer whole: the operation itself keeps to what its caller reaches (their
 * own devices, their own patients, figures about enough patients), and answers anything else as
 * refused or unknown. The feature's operation asks the same {@code mayCall}, so that the two cannot drift apart.
 *
 * @param instancesOf the type whose instances it is called on; empty for the server
 */
public record OperationAccess(String name, Optional<Class<? extends IBaseResource>> instancesOf, Predicate<AccessContext> mayCall) {

	public static OperationAccess onServer(String theName, Predicate<AccessContext> theMayCall) {
		return new OperationAccess(theName, Optional.empty(), theMayCall);
	}

	public static OperationAccess onInstancesOf(String theName, Class<? extends IBaseResource> theType, Predicate<AccessContext> theMayCall) {
		return new OperationAccess(theName, Optional.of(theType), theMayCall);
	}
}
