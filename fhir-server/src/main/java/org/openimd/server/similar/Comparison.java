package org.openimd.server.similar;

import org.hl7.fhir.r4.model.Observation;

/**
 * One kind of data set the similar-case search compares (ECG strips and EGM episodes by their
 * waveforms, interrogations by their IDCO measurements): which stored Observations are of the kind,
 * what is read from one, and how two compare. Only data sets of one signature are compared.
 */
interface Comparison {

	/** What a data set is compared by: data sets are compared only with others of their signature. */
	interface Features {
		String signature();

		/** The vector the index finds neighbours by, in the comparison's {@link #metric()}. */
		float[] vector();
	}

	/** A data set of the kind that has nothing to compare, and why. */
	class NotComparableException extends RuntimeException {
		NotComparableException(String theReason) {
			super(theReason);
		}
	}

	boolean accepts(Observation theObservation);

	/** @throws NotComparableException when {@code theDataSet} has nothing this comparison can use */
	Features features(Observation theDataSet);

	/** The exact score of two data sets of one signature: 1 is identical, higher is more alike. */
	double score(Features theQuery, Features theCandidate);

	SimilarityIndex.Metric metric();

	/** The code every data set of this kind is stored with, as a search token ({@code system|code}, or {@code system|} for any of a system's). */
	String storedAs();

	/** The method's version, cited with every score. */
	String version();

	/** The score from which an earlier diagnosis goes to the physician. */
	double threshold();

	/** How many neighbours the index is asked for before the exact re-ranking. */
	int candidates();
}
