package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.junit.jupiter.api.Test;

/**
 * The cross-patient suite with every request wrapped as the entry of a batch, and what only Bundles
 * can do: a transaction with one entry for B writes nothing, and a Bundle beyond the size limit is
 * refused before anything is written.
 */
class CrossPatientInBatchIT extends CrossPatientSuite {

	@Override
	FhirTransport transport() {
		return FhirTransport.IN_A_BATCH;
	}

	@Test
	void aTransactionWithOneEntryForBIsRejectedWhole() throws Exception {
		Observation forA = SmartAppLaunchIT.vitalSign(world.patientA());
		forA.addIdentifier(uniqueIdentifier());
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		transaction.addEntry().setResource(forA).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		transaction.addEntry().setResource(SmartAppLaunchIT.vitalSign(world.patientB())).getRequest().setMethod(Bundle.HTTPVerb.POST)
				.setUrl("Observation");

		assertThat(FhirTransport.PLAIN.send(fhirBase(), tokenOfA, "POST", "", FHIR.newJsonParser().encodeResourceToString(transaction),
				FhirTransport.FHIR_JSON).status()).isEqualTo(403);
		assertThat(storedWith(forA)).as("nothing of the transaction was written").isEmpty();
	}

	@Test
	void aBundleOfMoreEntriesThanTheLimitIsRefusedWith413AndWritesNothing() throws Exception {
		Observation marked = SmartAppLaunchIT.vitalSign(world.patientA());
		marked.addIdentifier(uniqueIdentifier());
		Bundle flood = new Bundle().setType(Bundle.BundleType.BATCH);
		for (int entry = 0; entry < 501; entry++) {
			flood.addEntry().setResource(marked.copy()).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl("Observation");
		}
		FhirTransport.Answer refused = FhirTransport.PLAIN.send(fhirBase(), tokenOfA, "POST", "", FHIR.newJsonParser().encodeResourceToString(flood),
				FhirTransport.FHIR_JSON);
		assertThat(refused.status()).isEqualTo(413);
		assertThat(refused.diagnostics()).contains("501 entries", "at most 500");
		assertThat(storedWith(marked)).isEmpty();
	}

	private java.util.List<Bundle.BundleEntryComponent> storedWith(Observation theMarked) {
		return client.search().forResource(Observation.class)
				.where(Observation.IDENTIFIER.exactly().systemAndCode(theMarked.getIdentifierFirstRep().getSystem(),
						theMarked.getIdentifierFirstRep().getValue()))
				.returnBundle(Bundle.class).execute().getEntry();
	}
}
