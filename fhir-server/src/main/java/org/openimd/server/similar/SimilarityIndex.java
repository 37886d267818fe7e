package org.openimd.server.similar;

import java.util.List;

/**
 * Stage one of the similarity search: the nearest neighbours of a vector among the indexed data sets
 * of the same signature, in the index's metric, possibly approximate. The exact re-ranking follows.
 */
interface SimilarityIndex extends AutoCloseable {

	/** How near two vectors are: their dot product (unit vectors) or their Euclidean distance. */
	enum Metric { DOT_PRODUCT, EUCLIDEAN }

	/** @param score higher is nearer; only the order of a search's hits means anything */
	record Hit(String id, double score) {}

	/** Adds or replaces {@code theId}'s vector. */
	void put(String theId, String theSignature, float[] theVector);

	List<Hit> nearest(String theSignature, float[] theVector, int theCount);

	int size();

	@Override
	void close();
}
