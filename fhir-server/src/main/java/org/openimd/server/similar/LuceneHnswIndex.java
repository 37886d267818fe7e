package org.openimd.server.similar;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * Approximate nearest neighbours with Lucene's HNSW graph (Lucene 9.11, the version HAPI's Hibernate
 * Search brings; default M 16, beam width 100), by dot product (unit vectors) or Euclidean distance. The index lives in
 * memory and is built again from the database at start: HAPI's own Lucene (full-text search) stays off.
 */
class LuceneHnswIndex implements SimilarityIndex {

	private static final String ID = "id";
	private static final String SIGNATURE = "signature";

	private final ByteBuffersDirectory myDirectory = new ByteBuffersDirectory();
	private final IndexWriter myWriter;
	private final SearcherManager mySearchers;
	private final VectorSimilarityFunction myFunction;

	LuceneHnswIndex(Metric theMetric) {
		myFunction = theMetric == Metric.DOT_PRODUCT ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
		try {
			myWriter = new IndexWriter(myDirectory, new IndexWriterConfig());
			mySearchers = new SearcherManager(myWriter, null);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Override
	public void put(String theId, String theSignature, float[] theVector) {
		Document document = new Document();
		document.add(new StringField(ID, theId, Field.Store.YES));
		document.add(new StringField(SIGNATURE, theSignature, Field.Store.NO));
		// One field per length: a field's vectors all have one dimension.
		document.add(new KnnFloatVectorField(field(theVector.length), theVector, myFunction));
		try {
			myWriter.updateDocument(new Term(ID, theId), document);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Override
	public List<Hit> nearest(String theSignature, float[] theVector, int theCount) {
		try {
			// Additions become searchable here, once per query rather than once per addition (a rebuild adds thousands).
			mySearchers.maybeRefreshBlocking();
			IndexSearcher searcher = mySearchers.acquire();
			try {
				KnnFloatVectorQuery query = new KnnFloatVectorQuery(field(theVector.length), theVector, theCount,
						new TermQuery(new Term(SIGNATURE, theSignature)));
				List<Hit> hits = new ArrayList<>();
				for (ScoreDoc found : searcher.search(query, theCount).scoreDocs) {
					hits.add(new Hit(searcher.storedFields().document(found.doc).get(ID), found.score));
				}
				return hits;
			} finally {
				mySearchers.release(searcher);
			}
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	private static String field(int theDimensions) {
		return "vector" + theDimensions;
	}

	@Override
	public int size() {
		return myWriter.getDocStats().numDocs;
	}

	@Override
	public void close() {
		try {
			mySearchers.close();
			myWriter.close();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
