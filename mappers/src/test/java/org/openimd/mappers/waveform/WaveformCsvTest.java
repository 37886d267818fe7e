package org.openimd.mappers.waveform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.io.StringReader;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;
import org.openimd.ig.OpenImdIg;
import org.openimd.terminology.OpenImdUris;

class WaveformCsvTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();
	// The first samples of MIT-BIH record 208, lead MLII, in mV as scipy.misc.electrocardiogram documents them, beside an EGM channel.
	private static final String CSV = "II;egm-v\n-0.245;0.10\n-0.215;0.12\n\n-0.185;0.11\n";
	private static final WaveformCsv.Upload UPLOAD = new WaveformCsv.Upload(OpenImdUris.EGM_EPISODE, "Patient/12",
			"2026-03-01T09:30:00+01:00", new BigDecimal("360"), "mV", "Device/7", "DiagnosticReport/5");

	@Test
	void eachColumnBecomesACodedChannelWithItsSamplesAsWrittenAndTheObservationConformsToTheProfile() {
		Observation episode = WaveformCsv.toObservation(UPLOAD, new StringReader(CSV));

		assertThat(episode.getComponent()).hasSize(2);
		assertThat(episode.getComponent().get(0).getCode().getCodingFirstRep().getCode()).isEqualTo("131330");
		assertThat(episode.getComponent().get(0).getCode().getText()).isEqualTo("II");
		assertThat(episode.getComponent().get(1).getCode().getCodingFirstRep().getSystem()).isEqualTo(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM);
		SampledData lead = episode.getComponent().get(0).getValueSampledData();
		assertThat(lead.getData()).isEqualTo("-0.245 -0.215 -0.185");
		assertThat(lead.getPeriod()).isEqualByComparingTo("2.777778");
		assertThat(lead.getOrigin().getCode()).isEqualTo("mV");
		assertThat(episode.getDevice().getReference()).isEqualTo("Device/7");
		assertThat(episode.getDerivedFromFirstRep().getReference()).isEqualTo("DiagnosticReport/5");
		assertThat(OpenImdIg.newValidator(FHIR).validateWithResult(episode).getMessages())
				.noneMatch(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
	}

	@Test
	void whatIsWrongIsNamedWithItsLine() {
		assertThatThrownBy(() -> WaveformCsv.toObservation(UPLOAD, new StringReader("MLII\n1\n"))).hasMessageStartingWith("line 1: MLII is neither");
		assertThatThrownBy(() -> WaveformCsv.toObservation(UPLOAD, new StringReader("I,II\n1,2\n3\n"))).hasMessage("line 3 has 1 values for 2 channels");
		assertThatThrownBy(() -> WaveformCsv.toObservation(UPLOAD, new StringReader("I\n1\nfive\n"))).hasMessage("line 3, channel 1: five is no decimal number");
		assertThatThrownBy(() -> WaveformCsv.toObservation(UPLOAD, new StringReader("I\n"))).hasMessageContaining("at least one line of samples");
	}

	@Test
	void theUploadMustSayWhoseWhenAtWhatRateInWhichUnitAndOfWhatKind() {
		assertThatThrownBy(() -> toObservation(new WaveformCsv.Upload("heart-sounds", "Patient/12", "2026-03-01T09:30:00+01:00", BigDecimal.TEN, "mV", null, null)))
				.hasMessageContaining("kind");
		assertThatThrownBy(() -> toObservation(new WaveformCsv.Upload(OpenImdUris.ECG_STRIP, "Device/12", "2026-03-01T09:30:00+01:00", BigDecimal.TEN, "mV", null, null)))
				.hasMessageContaining("subject");
		assertThatThrownBy(() -> toObservation(new WaveformCsv.Upload(OpenImdUris.ECG_STRIP, "Patient/12", "2026-03-01T09:30:00", BigDecimal.TEN, "mV", null, null)))
				.hasMessageContaining("time zone");
		assertThatThrownBy(() -> toObservation(new WaveformCsv.Upload(OpenImdUris.ECG_STRIP, "Patient/12", "2026-03-01T09:30:00Z", BigDecimal.ZERO, "mV", null, null)))
				.hasMessageContaining("rate");
		assertThatThrownBy(() -> toObservation(new WaveformCsv.Upload(OpenImdUris.ECG_STRIP, "Patient/12", "2026-03-01T09:30:00Z", BigDecimal.TEN, "mm", null, null)))
				.hasMessageContaining("unit");
	}

	private static Observation toObservation(WaveformCsv.Upload theUpload) {
		return WaveformCsv.toObservation(theUpload, new StringReader("I\n1\n"));
	}
}
