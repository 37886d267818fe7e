package org.openimd.mappers.idco;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;

/** Pulls the resources of one type out of a mapped transaction: the one unpacking every test needs. */
final class TransactionEntries {

	private TransactionEntries() {}

	static <T extends Resource> List<T> resources(Bundle theTransaction, Class<T> theType) {
		return theTransaction.getEntry().stream()
				.map(BundleEntryComponent::getResource)
				.filter(theType::isInstance)
				.map(theType::cast)
				.toList();
	}

	static <T extends Resource> T single(Bundle theTransaction, Class<T> theType) {
		List<T> found = resources(theTransaction, theType);
		if (found.size() != 1) {
			throw new AssertionError("expected one " + theType.getSimpleName() + ", found " + found.size());
		}
		return found.get(0);
	}

	static BundleEntryComponent entryOf(Bundle theTransaction, Resource theResource) {
		return theTransaction.getEntry().stream().filter(entry -> entry.getResource() == theResource).findFirst().orElseThrow();
	}
}
