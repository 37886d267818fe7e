package org.openimd.server.waveform;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;

/**
 * The real ECG recordings OpenIMD ships for its tests and demo (origin and licences in
 * {@code samples/README.md} beside them), as fresh copies without subject or time.
 */
public final class WaveformSamples {

	private static final String DIRECTORY = "/org/openimd/server/waveform/samples/";

	private WaveformSamples() {}

	/** MIT-BIH Arrhythmia Database record 208, lead MLII: thirty consecutive 10 s strips at 360 Hz. */
	public static List<Observation> mitBih208Strips() {
		Bundle strips = read("mitdb-208-mlii-strips.json", Bundle.class);
		return strips.getEntry().stream().map(entry -> (Observation) entry.getResource()).toList();
	}

	/** A resting 12-lead ECG, 10 s at 1000 Hz, read by its machine as sinus rhythm, normal ECG. */
	public static Observation twelveLeadEcg() {
		return read("pydicom-12-lead-ecg.json", Observation.class);
	}

	private static <T extends IBaseResource> T read(String theFile, Class<T> theType) {
		try (InputStream in = WaveformSamples.class.getResourceAsStream(DIRECTORY + theFile)) {
			if (in == null) {
				throw new IllegalStateException(DIRECTORY + theFile + " is missing from the classpath");
			}
			return FhirContext.forR4Cached().newJsonParser().parseResource(theType, in);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
