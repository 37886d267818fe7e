package org.openimd.mappers.waveform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.SampledData;
import org.openimd.terminology.EcgLead;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * Raw samples that a device exports as CSV, as a cardiac waveform Observation. The first line names
 * the channels: ECG leads as printed ({@code I}, {@code II}, {@code aVR}, {@code V1}…) or EGM
 * channels by their code ({@code egm-a}, {@code egm-v}, {@code egm-lv}, {@code egm-ff},
 * {@code ecg-subq}); each further line holds one sample per channel, decimal numbers in the unit the
 * upload names (uV or mV), taken {@code 1000 / rate} ms apart. Comma, semicolon or tab separate the
 * values. Every value is kept as written: the Observation's origin is 0 and its factor 1.
 */
public final class WaveformCsv {

	private static final Set<String> EGM_CHANNELS = Set.of("egm-a", "egm-v", "egm-lv", "egm-ff", "ecg-subq");
	private static final Set<String> UNITS = Set.of("uV", "mV");
	private static final String SEPARATORS = "[,;\t]";

	/**
	 * What the upload says beside the samples.
	 *
	 * @param kind {@link OpenImdUris#ECG_STRIP} or {@link OpenImdUris#EGM_EPISODE}
	 * @param subject the Patient, e.g. {@code Patient/12}
	 * @param effective when the recording started, a FHIR dateTime with a time zone
	 * @param rateHz samples per second
	 * @param unit {@code uV} or {@code mV}
	 * @param device the recording device, or null
	 * @param derivedFrom the interrogation or episode it belongs to, or null
	 */
	public record Upload(String kind, String subject, String effective, BigDecimal rateHz, String unit, String device, String derivedFrom) {}

	private WaveformCsv() {}

	/** @throws IllegalArgumentException naming what is wrong with the upload, by line where it is in the CSV */
	public static Observation toObservation(Upload theUpload, Reader theCsv) {
		if (!OpenImdUris.ECG_STRIP.equals(theUpload.kind()) && !OpenImdUris.EGM_EPISODE.equals(theUpload.kind())) {
			throw new IllegalArgumentException("kind must be " + OpenImdUris.ECG_STRIP + " or " + OpenImdUris.EGM_EPISODE);
		}
		if (theUpload.subject() == null || !theUpload.subject().matches("Patient/[A-Za-z0-9\\-.]{1,64}")) {
			throw new IllegalArgumentException("subject must name a Patient, e.g. Patient/12");
		}
		if (theUpload.rateHz() == null || theUpload.rateHz().signum() <= 0) {
			throw new IllegalArgumentException("rate must be the samples per second, above 0");
		}
		if (!UNITS.contains(theUpload.unit())) {
			throw new IllegalArgumentException("unit must be uV or mV");
		}
		DateTimeType effective;
		try {
			effective = new DateTimeType(theUpload.effective());
		} catch (RuntimeException e) {
			throw new IllegalArgumentException("effective must be a FHIR dateTime, e.g. 2026-03-01T09:30:00+01:00");
		}
		if (effective.getValue() == null || effective.getTimeZone() == null) {
			throw new IllegalArgumentException("effective must be a FHIR dateTime with a time zone, e.g. 2026-03-01T09:30:00+01:00");
		}
		List<String> lines = lines(theCsv);
		if (lines.size() < 2) {
			throw new IllegalArgumentException("the CSV needs a line naming the channels and at least one line of samples");
		}
		List<Channel> channels = channelsOf(lines.get(0));
		List<StringBuilder> data = channels.stream().map(channel -> new StringBuilder()).toList();
		for (int line = 1; line < lines.size(); line++) {
			String[] values = lines.get(line).split(SEPARATORS, -1);
			if (values.length != channels.size()) {
				throw new IllegalArgumentException("line " + (line + 1) + " has " + values.length + " values for " + channels.size() + " channels");
			}
			for (int channel = 0; channel < values.length; channel++) {
				String value = values[channel].trim();
				try {
					new BigDecimal(value);
				} catch (NumberFormatException e) {
					throw new IllegalArgumentException("line " + (line + 1) + ", channel " + (channel + 1) + ": " + value + " is no decimal number");
				}
				data.get(channel).append(line == 1 ? "" : " ").append(value);
			}
		}
		Observation observation = new Observation().setStatus(Observation.ObservationStatus.FINAL)
				.setCode(new CodeableConcept(new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, theUpload.kind(),
						OpenImdUris.ECG_STRIP.equals(theUpload.kind()) ? "ECG strip" : "EGM episode")))
				.setSubject(new Reference(theUpload.subject()))
				.setEffective(effective);
		observation.getMeta().addProfile(OpenImdUris.CARDIAC_WAVEFORM_PROFILE);
		observation.addCategory().addCoding().setSystem("http://terminology.hl7.org/CodeSystem/observation-category").setCode("procedure");
		if (theUpload.device() != null) {
			observation.setDevice(new Reference(theUpload.device()));
		}
		if (theUpload.derivedFrom() != null) {
			observation.addDerivedFrom(new Reference(theUpload.derivedFrom()));
		}
		// A microsecond is finer than any recorder's clock.
		BigDecimal period = BigDecimal.valueOf(1000).divide(theUpload.rateHz(), 6, RoundingMode.HALF_UP);
		for (int channel = 0; channel < channels.size(); channel++) {
			observation.addComponent().setCode(new CodeableConcept(channels.get(channel).coding()).setText(channels.get(channel).label()))
					.setValue(new SampledData()
							.setOrigin(new Quantity().setValue(BigDecimal.ZERO).setSystem(OpenImdUris.UCUM).setCode(theUpload.unit()).setUnit(theUpload.unit()))
							.setPeriod(period)
							.setDimensions(1)
							.setData(data.get(channel).toString()));
		}
		return observation;
	}

	private record Channel(Coding coding, String label) {}

	private static List<Channel> channelsOf(String theHeader) {
		List<Channel> channels = new ArrayList<>();
		for (String name : theHeader.split(SEPARATORS, -1)) {
			String label = name.trim();
			Coding coding = EcgLead.byLabel(label).map(lead -> new Coding(Mdc.SYSTEM, lead.code(), lead.display()))
					.orElseGet(() -> EGM_CHANNELS.contains(label.toLowerCase(Locale.ROOT))
							? new Coding(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, label.toLowerCase(Locale.ROOT), null)
							: null);
			if (coding == null) {
				throw new IllegalArgumentException("line 1: " + label + " is neither an ECG lead (I, II, III, aVR, aVL, aVF, V1-V6) nor an "
						+ "EGM channel " + EGM_CHANNELS);
			}
			channels.add(new Channel(coding, label));
		}
		return channels;
	}

	private static List<String> lines(Reader theCsv) {
		try (BufferedReader reader = new BufferedReader(theCsv)) {
			return reader.lines().filter(line -> !line.isBlank()).toList();
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}
}
