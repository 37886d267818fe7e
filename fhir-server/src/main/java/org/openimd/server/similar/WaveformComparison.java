package org.openimd.server.similar;

import org.hl7.fhir.r4.model.Observation;
import org.openimd.server.waveform.Waveform;
import org.openimd.terminology.OpenImdUris;

/** ECG strips and EGM episodes, compared by their beats' morphology and their rhythm ({@link WaveformFeatures}). */
record WaveformComparison(SimilarityMethod method) implements Comparison {

	@Override
	public boolean accepts(Observation theObservation) {
		return theObservation.getCode().getCoding().stream().anyMatch(coding -> OpenImdUris.CARDIAC_WAVEFORM_SYSTEM.equals(coding.getSystem()));
	}

	@Override
	public Features features(Observation theDataSet) {
		try {
			return WaveformFeatures.of(Waveform.of(theDataSet), method);
		} catch (Waveform.NotAWaveformException | WaveformFeatures.NoFeaturesException e) {
			throw new NotComparableException(e.getMessage());
		}
	}

	@Override
	public double score(Features theQuery, Features theCandidate) {
		return ((WaveformFeatures) theQuery).score((WaveformFeatures) theCandidate, method);
	}

	@Override
	public SimilarityIndex.Metric metric() {
		return SimilarityIndex.Metric.DOT_PRODUCT;
	}

	@Override
	public String storedAs() {
		return OpenImdUris.CARDIAC_WAVEFORM_SYSTEM + "|";
	}

	@Override
	public String version() {
		return method.version();
	}

	@Override
	public double threshold() {
		return method.threshold();
	}

	@Override
	public int candidates() {
		return method.candidates();
	}
}
