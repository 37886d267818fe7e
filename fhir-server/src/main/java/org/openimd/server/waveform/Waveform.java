package org.openimd.server.waveform;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.SampledData;
import org.openimd.terminology.EcgLead;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * The channels of a cardiac waveform Observation (an ECG strip or an EGM episode), decoded from
 * SampledData into millivolts: value = origin + factor × datum, {@code E} (error) as NaN, {@code L}
 * and {@code U} as the lower and upper limits.
 *
 * @param kind {@link OpenImdUris#ECG_STRIP} or {@link OpenImdUris#EGM_EPISODE}
 */
public record Waveform(String kind, List<Channel> channels) {

	private static final BigDecimal MICROVOLTS_PER_MILLIVOLT = BigDecimal.valueOf(1000);

	/**
	 * One channel.
	 *
	 * @param label as printed beside the trace: the lead (II, V1) or the device's channel name
	 * @param coding the channel's code (an ECG lead or an EGM channel)
	 * @param periodMs the time between samples
	 * @param millivolts the samples
	 */
	public record Channel(String label, Coding coding, double periodMs, double[] millivolts) {

		public double durationSeconds() {
			return millivolts.length * periodMs / 1000;
		}

		public double sampleRateHz() {
			return 1000 / periodMs;
		}
	}

	/** The waveform {@code theObservation} carries, or a reason it carries none this server can read. */
	public static Waveform of(Observation theObservation) {
		String kind = theObservation.getCode().getCoding().stream()
				.filter(coding -> OpenImdUris.CARDIAC_WAVEFORM_SYSTEM.equals(coding.getSystem()))
				.map(Coding::getCode)
				.filter(code -> OpenImdUris.ECG_STRIP.equals(code) || OpenImdUris.EGM_EPISODE.equals(code))
				.findFirst()
				.orElseThrow(() -> new NotAWaveformException("the Observation is no ECG strip or EGM episode (code " + OpenImdUris.CARDIAC_WAVEFORM_SYSTEM + ")"));
		List<Channel> channels = new ArrayList<>();
		for (Observation.ObservationComponentComponent component : theObservation.getComponent()) {
			if (component.getValue() instanceof SampledData samples) {
				channels.add(channel(component, samples));
			}
		}
		if (channels.isEmpty()) {
			throw new NotAWaveformException("the Observation has no component with valueSampledData");
		}
		return new Waveform(kind, List.copyOf(channels));
	}

	private static Channel channel(Observation.ObservationComponentComponent theComponent, SampledData theSamples) {
		Coding coding = theComponent.getCode().getCoding().stream()
				.filter(code -> Mdc.SYSTEM.equals(code.getSystem()) || OpenImdUris.CARDIAC_WAVEFORM_SYSTEM.equals(code.getSystem()))
				.findFirst().orElseGet(theComponent.getCode()::getCodingFirstRep);
		if (theSamples.getDimensions() != 1) {
			throw new NotAWaveformException("channel " + label(theComponent, coding) + " interlaces " + theSamples.getDimensions()
					+ " series; give each channel its own component");
		}
		if (theSamples.getPeriod() == null || theSamples.getPeriod().signum() <= 0) {
			throw new NotAWaveformException("channel " + label(theComponent, coding) + " has no sampling period");
		}
		BigDecimal toMillivolts = switch (Optional.ofNullable(theSamples.getOrigin().getCode()).orElse("")) {
			case "mV" -> BigDecimal.ONE;
			case "uV" -> BigDecimal.ONE.divide(MICROVOLTS_PER_MILLIVOLT);
			default -> throw new NotAWaveformException("channel " + label(theComponent, coding) + " is in " + theSamples.getOrigin().getCode()
					+ ", not uV or mV (UCUM)");
		};
		double origin = theSamples.getOrigin().getValue().multiply(toMillivolts).doubleValue();
		double factor = (theSamples.hasFactor() ? theSamples.getFactor() : BigDecimal.ONE).multiply(toMillivolts).doubleValue();
		double lower = theSamples.hasLowerLimit() ? theSamples.getLowerLimit().multiply(toMillivolts).doubleValue() : Double.NaN;
		double upper = theSamples.hasUpperLimit() ? theSamples.getUpperLimit().multiply(toMillivolts).doubleValue() : Double.NaN;
		String[] data = theSamples.hasData() ? theSamples.getData().trim().split(" +") : new String[0];
		double[] millivolts = new double[data.length];
		for (int i = 0; i < data.length; i++) {
			millivolts[i] = switch (data[i]) {
				case "E" -> Double.NaN;
				case "L" -> lower;
				case "U" -> upper;
				default -> origin + factor * parse(data[i], theComponent, coding);
			};
		}
		return new Channel(label(theComponent, coding), coding, theSamples.getPeriod().doubleValue(), millivolts);
	}

	private static double parse(String theDatum, Observation.ObservationComponentComponent theComponent, Coding theCoding) {
		try {
			return Double.parseDouble(theDatum);
		} catch (NumberFormatException e) {
			throw new NotAWaveformException("channel " + label(theComponent, theCoding) + " has a sample that is no number: " + theDatum);
		}
	}

	private static String label(Observation.ObservationComponentComponent theComponent, Coding theCoding) {
		if (theComponent.getCode().hasText()) {
			return theComponent.getCode().getText();
		}
		return EcgLead.byCode(theCoding.getCode()).filter(lead -> Mdc.SYSTEM.equals(theCoding.getSystem())).map(EcgLead::label)
				.orElse(theCoding.hasDisplay() ? theCoding.getDisplay() : theCoding.getCode());
	}

	public double durationSeconds() {
		return channels.stream().mapToDouble(Channel::durationSeconds).max().orElse(0);
	}

	/** The part from {@code theStartSeconds} on that lasts {@code theSeconds}, every channel cut alike. */
	public Waveform window(double theStartSeconds, double theSeconds) {
		return new Waveform(kind, channels.stream().map(channel -> {
			int from = (int) Math.min(channel.millivolts().length, Math.max(0, Math.round(theStartSeconds * 1000 / channel.periodMs())));
			int to = (int) Math.min(channel.millivolts().length, from + Math.round(theSeconds * 1000 / channel.periodMs()));
			return new Channel(channel.label(), channel.coding(), channel.periodMs(), Arrays.copyOfRange(channel.millivolts(), from, to));
		}).toList());
	}

	/** Why an Observation cannot be read as a waveform: the caller's to fix (HTTP 422). */
	public static class NotAWaveformException extends RuntimeException {
		NotAWaveformException(String theMessage) {
			super(theMessage);
		}
	}
}
