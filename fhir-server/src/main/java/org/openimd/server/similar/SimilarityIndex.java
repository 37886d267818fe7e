package org.openimd.server.similar;

import java.util.List;

/**
 * Stage one of the similarity search: the nearest neighbours of a vector among the indexed data sets
 * of the same signature, by dot product, possibly approximate. The exact re-ranking follows.
 */
interface SimilarityIndex extends AutoCloseable {

	record Hit(String id, double score) {}

	/** Adds or replaces {@code theId}'s vector. */
	void put(String theId, String theSignature, float[] theVector);

	List<Hit> nearest(String theSignature, float[] theVector, int theCount);

	int size();

	@Override
	void close();
}
