package org.openimd.mappers.waveform;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.terminology.OpenImdUris;

/**
 * Whatever a CSV upload of samples and its parameters hold, it becomes a waveform Observation or an
 * IllegalArgumentException saying what is wrong (a 400), never anything else (a 500). The parameters
 * are mostly drawn from what is valid, so that the fuzzer spends its time in the samples.
 */
class WaveformCsvFuzzTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final List<String> KINDS = List.of(OpenImdUris.ECG_STRIP, OpenImdUris.EGM_EPISODE);
	private static final List<String> UNITS = List.of("uV", "mV");

	@FuzzTest(maxDuration = "30s")
	void anyUploadBecomesAWaveformOrAReason(FuzzedDataProvider theData) {
		WaveformCsv.Upload upload = new WaveformCsv.Upload(theData.consumeBoolean() ? theData.pickValue(KINDS) : theData.consumeString(20),
				theData.consumeBoolean() ? "Patient/" + theData.consumeInt(1, 1000) : theData.consumeString(30),
				theData.consumeBoolean() ? "2026-03-01T09:30:00+01:00" : theData.consumeString(40),
				theData.consumeBoolean() ? BigDecimal.valueOf(theData.consumeLong(), theData.consumeInt(-3, 12)) : null,
				theData.consumeBoolean() ? theData.pickValue(UNITS) : theData.consumeString(5),
				theData.consumeBoolean() ? "Device/" + theData.consumeInt(1, 1000) : null,
				theData.consumeBoolean() ? "Observation/" + theData.consumeInt(1, 1000) : null);
		String csv = theData.consumeRemainingAsString();
		try {
			Observation waveform = WaveformCsv.toObservation(upload, new StringReader(csv));
			assertThat(FHIR.newJsonParser().encodeResourceToString(waveform)).isNotEmpty();
		} catch (IllegalArgumentException refused) {
			assertThat(refused.getMessage()).isNotBlank();
		}
	}
}
