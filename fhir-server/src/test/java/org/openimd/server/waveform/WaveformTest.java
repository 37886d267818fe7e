package org.openimd.server.waveform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.junit.jupiter.api.Test;

class WaveformTest {

	@Test
	void theMitBihStripsDecodeToTheMillivoltsSciPyDocuments() {
		List<Waveform.Channel> strips = WaveformSamples.mitBih208Strips().stream().map(strip -> Waveform.of(strip).channels().get(0)).toList();

		assertThat(strips).hasSize(30).allSatisfy(strip -> {
			assertThat(strip.label()).isEqualTo("MLII");
			assertThat(strip.sampleRateHz()).isCloseTo(360, within(1e-3));
			assertThat(strip.durationSeconds()).isCloseTo(10, within(1e-3));
		});
		// scipy.misc.electrocardiogram's docstring: array([-0.245, -0.215, -0.185, ...]), mean -0.16510875 over 108000 samples.
		assertThat(Arrays.copyOf(strips.get(0).millivolts(), 3)).containsExactly(new double[] {-0.245, -0.215, -0.185}, within(1e-9));
		double mean = strips.stream().flatMapToDouble(strip -> Arrays.stream(strip.millivolts())).average().orElseThrow();
		assertThat(mean).isCloseTo(-0.16510875, within(1e-8));
	}

	@Test
	void theTwelveLeadEcgHasItsLeadsInMicrovoltsAsMillivolts() {
		Waveform ecg = Waveform.of(WaveformSamples.twelveLeadEcg());

		assertThat(ecg.channels()).extracting(Waveform.Channel::label)
				.containsExactly("I", "II", "III", "aVR", "aVL", "aVF", "V1", "V2", "V3", "V4", "V5", "V6");
		assertThat(ecg.channels()).allSatisfy(lead -> {
			assertThat(lead.millivolts()).hasSize(10_000);
			assertThat(lead.periodMs()).isEqualTo(1.0);
		});
		// The first sample of lead I is 80 units of 1.25 uV.
		assertThat(ecg.channels().get(0).millivolts()[0]).isCloseTo(0.1, within(1e-12));
	}

	@Test
	void errorsAndLimitsDecodeAsTheSpecificationSays() {
		Observation observation = WaveformSamples.twelveLeadEcg();
		SampledData lead = observation.getComponentFirstRep().getValueSampledData();
		// The limits are values of the series, in its unit (uV here), not data to scale.
		lead.setLowerLimit(new BigDecimal("-4000")).setUpperLimit(new BigDecimal("4000")).setData("8 E L U");

		double[] millivolts = Waveform.of(observation).channels().get(0).millivolts();
		assertThat(millivolts[0]).isCloseTo(0.01, within(1e-12));
		assertThat(millivolts[1]).isNaN();
		assertThat(millivolts[2]).isEqualTo(-4.0);
		assertThat(millivolts[3]).isEqualTo(4.0);
	}

	@Test
	void whatIsNoWaveformIsRefusedWithItsReason() {
		Observation notAStrip = WaveformSamples.twelveLeadEcg();
		notAStrip.getCode().getCodingFirstRep().setCode("heart-sounds");
		Observation inMillimetres = WaveformSamples.twelveLeadEcg();
		inMillimetres.getComponentFirstRep().getValueSampledData().getOrigin().setCode("mm");
		Observation garbled = WaveformSamples.twelveLeadEcg();
		garbled.getComponentFirstRep().getValueSampledData().setData("1 2 three");

		assertThatThrownBy(() -> Waveform.of(notAStrip)).isInstanceOf(Waveform.NotAWaveformException.class).hasMessageContaining("no ECG strip");
		assertThatThrownBy(() -> Waveform.of(inMillimetres)).hasMessageContaining("channel I is in mm");
		assertThatThrownBy(() -> Waveform.of(garbled)).hasMessageContaining("no number: three");
	}
}
