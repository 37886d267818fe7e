package org.openimd.server.similar;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.openimd.server.waveform.Waveform;
import org.openimd.server.waveform.WaveformSamples;

/**
 * Another look at a stretch of MIT-BIH record 208: a window of the real signal that starts later than
 * a shipped strip, at another gain, with baseline wander and noise added, as a second recording of
 * the same heart at the same moment would look. Seeded: the same arguments give the same samples.
 */
public final class SecondRecording {

	static final double RATE = 360;
	private static final int STRIP = 3600;

	private SecondRecording() {}

	/** The whole 5-minute record, in mV. */
	static double[] record() {
		return WaveformSamples.mitBih208Strips().stream().flatMapToDouble(strip -> Arrays.stream(Waveform.of(strip).channels().get(0).millivolts()))
				.toArray();
	}

	/** Strip {@code theStrip}'s 10 s, starting {@code theShiftSeconds} later: gain 1.25, 0.3 mV of wander at 0.3 Hz, 0.05 mV of noise. */
	static double[] of(double[] theRecord, int theStrip, double theShiftSeconds, long theSeed) {
		int start = theStrip * STRIP + (int) Math.round(theShiftSeconds * RATE);
		double[] signal = Arrays.copyOfRange(theRecord, start, start + STRIP);
		SplittableRandom random = new SplittableRandom(theSeed);
		double[] perturbed = new double[signal.length];
		for (int i = 0; i < signal.length; i++) {
			double gaussian = Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
			perturbed[i] = 1.25 * signal[i] + 0.3 * Math.sin(2 * Math.PI * 0.3 * i / RATE) + 0.05 * gaussian;
		}
		return perturbed;
	}

	/** As an ECG strip Observation like the shipped ones (lead II), without subject or time. */
	public static Observation observation(int theStrip, double theShiftSeconds, long theSeed) {
		double[] millivolts = of(record(), theStrip, theShiftSeconds, theSeed);
		Observation strip = WaveformSamples.mitBih208Strips().get(theStrip);
		strip.getNote().clear();
		SampledData samples = strip.getComponentFirstRep().getValueSampledData();
		samples.getOrigin().setValue(BigDecimal.ZERO).setCode("mV").setUnit("mV");
		samples.setFactor(null);
		samples.setData(Arrays.stream(millivolts).mapToObj(value -> String.format(Locale.ROOT, "%.4f", value)).collect(Collectors.joining(" ")));
		return strip;
	}

	/** The pydicom 12-lead's lead II, {@code theSeconds} from {@code theStart}, as a single-lead strip: another heart. */
	public static Observation anotherHeart(double theStart, double theSeconds) {
		Observation ecg = WaveformSamples.twelveLeadEcg();
		Observation.ObservationComponentComponent leadTwo = ecg.getComponent().get(1);
		List<String> data = Arrays.asList(leadTwo.getValueSampledData().getData().split(" "));
		int from = (int) Math.round(theStart * 1000);
		leadTwo.getValueSampledData().setData(String.join(" ", data.subList(from, from + (int) Math.round(theSeconds * 1000))));
		ecg.getComponent().clear();
		ecg.addComponent(leadTwo);
		return ecg;
	}
}
