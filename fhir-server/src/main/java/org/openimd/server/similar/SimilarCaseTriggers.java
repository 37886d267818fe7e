package org.openimd.server.similar;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.concurrent.Executor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.server.fhir.CheckedWhenStored;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps the similar-case index and its notices in step with what is stored, however it is stored:
 * a final report with conclusion codes indexes the data sets it names, a new data set is compared
 * (a new one only: a resent interrogation updates the stored one and is not news).
 * Both run after the write commits, one at a time in the background, so that a write never waits for
 * a comparison and a comparison never sees what was rolled back.
 */
class SimilarCaseTriggers extends CheckedWhenStored {

	private static final String FIRST_VERSION = "1";

	private final SimilarCases myCases;
	private final Executor myBackground;

	SimilarCaseTriggers(SimilarCases theCases, Executor theBackground) {
		myCases = theCases;
		myBackground = theBackground;
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof DiagnosticReport report && report.hasConclusionCode()) {
			DiagnosticReport stored = report.copy();
			afterCommit(() -> myCases.diagnosed(stored));
		} else if (theResource instanceof Observation dataSet && FIRST_VERSION.equals(dataSet.getIdElement().getVersionIdPart())
				&& myCases.compares(dataSet)) {
			Observation stored = dataSet.copy();
			afterCommit(() -> myCases.arrived(stored));
		}
	}

	private void afterCommit(Runnable theTask) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			myBackground.execute(theTask);
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				myBackground.execute(theTask);
			}
		});
	}
}
