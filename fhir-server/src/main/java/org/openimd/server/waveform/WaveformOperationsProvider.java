package org.openimd.server.waveform;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.mappers.waveform.WaveformCsv;
import org.openimd.terminology.OpenImdUris;

/**
 * The waveform operations:
 * <ul>
 *   <li>{@code GET /fhir/Observation/{id}/$render?format=png|svg}: an ECG strip or EGM episode drawn
 *       on ECG paper ({@link EcgPaper}), at most {@link #MAX_SECONDS} of it at a time ({@code start}
 *       and {@code seconds} choose which). The Observation is read as the caller, so the picture
 *       shows nothing its reader could not read.
 *   <li>{@code POST /fhir/Observation/$import-waveform?kind=&subject=&effective=&rate=&unit=[&device=][&derivedFrom=]}
 *       with raw samples as CSV ({@link WaveformCsv}): stored as the caller, under the same rules as
 *       a plain create.
 * </ul>
 */
public class WaveformOperationsProvider {

	/** A minute of paper is 1.5 m long: longer recordings are looked at a window at a time. */
	static final double MAX_SECONDS = 60;

	private final DaoRegistry myDaos;

	public WaveformOperationsProvider(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	@Operation(name = "$render", type = Observation.class, idempotent = true, manualResponse = true)
	public void render(@IdParam IdType theId, @OperationParam(name = "format") StringType theFormat,
			@OperationParam(name = "start") StringType theStart, @OperationParam(name = "seconds") StringType theSeconds,
			RequestDetails theRequest, HttpServletResponse theResponse) throws IOException {
		String format = Optional.ofNullable(theFormat).map(StringType::getValue).orElse("png").toLowerCase(Locale.ROOT);
		if (!format.equals("png") && !format.equals("svg")) {
			throw new InvalidRequestException("format must be png or svg");
		}
		// Taken as text and parsed here: HAPI's own parsing of a decimal parameter answers 500 to "abc".
		double start = Optional.ofNullable(theStart).map(value -> decimal("start", value.getValue()).doubleValue()).orElse(0.0);
		double seconds = Optional.ofNullable(theSeconds).map(value -> decimal("seconds", value.getValue()).doubleValue()).orElse(MAX_SECONDS);
		if (start < 0 || seconds <= 0 || seconds > MAX_SECONDS) {
			throw new InvalidRequestException("start must be 0 or more and seconds between 0 and " + (int) MAX_SECONDS);
		}
		Observation observation = myDaos.getResourceDao(Observation.class).read(theId, theRequest);
		Waveform waveform;
		try {
			waveform = Waveform.of(observation);
		} catch (Waveform.NotAWaveformException e) {
			throw new UnprocessableEntityException(e.getMessage());
		}
		if (start >= waveform.durationSeconds()) {
			throw new InvalidRequestException("the recording lasts " + waveform.durationSeconds() + " s; start is beyond it");
		}
		EcgPaper paper = new EcgPaper(waveform.window(start, seconds), title(observation, waveform, start));
		theResponse.setHeader("Cache-Control", "no-store");
		if (format.equals("svg")) {
			theResponse.setContentType("image/svg+xml");
			theResponse.setCharacterEncoding(StandardCharsets.UTF_8.name());
			theResponse.getWriter().write(SvgPaper.render(paper));
		} else {
			theResponse.setContentType("image/png");
			theResponse.getOutputStream().write(PngPaper.render(paper));
		}
	}

	@Operation(name = "$import-waveform", type = Observation.class, idempotent = false, manualRequest = true)
	public Observation importWaveform(HttpServletRequest theServletRequest, RequestDetails theRequest) throws IOException {
		if (theServletRequest.getContentType() == null || !theServletRequest.getContentType().startsWith("text/csv")) {
			throw new InvalidRequestException("send the samples as text/csv");
		}
		WaveformCsv.Upload upload = new WaveformCsv.Upload(parameter(theRequest, "kind"), parameter(theRequest, "subject"),
				parameter(theRequest, "effective"), Optional.ofNullable(parameter(theRequest, "rate")).map(rate -> decimal("rate", rate)).orElse(null),
				parameter(theRequest, "unit"), parameter(theRequest, "device"), parameter(theRequest, "derivedFrom"));
		Observation observation;
		try (Reader csv = new InputStreamReader(theServletRequest.getInputStream(), StandardCharsets.UTF_8)) {
			observation = WaveformCsv.toObservation(upload, csv);
		} catch (IllegalArgumentException e) {
			throw new InvalidRequestException(e.getMessage());
		}
		return (Observation) myDaos.getResourceDao(Observation.class).create(observation, theRequest).getResource();
	}

	private static String parameter(RequestDetails theRequest, String theName) {
		String[] values = theRequest.getParameters().get(theName);
		return values == null || values.length == 0 ? null : values[0];
	}

	private static BigDecimal decimal(String theParameter, String theValue) {
		try {
			return new BigDecimal(theValue);
		} catch (NumberFormatException | NullPointerException e) {
			throw new InvalidRequestException("the parameter " + theParameter + " must be a decimal number, not \"" + theValue + "\"");
		}
	}

	private static String title(Observation theObservation, Waveform theWaveform, double theStart) {
		String kind = OpenImdUris.EGM_EPISODE.equals(theWaveform.kind()) ? "EGM episode" : "ECG";
		String when = theObservation.hasEffectiveDateTimeType() ? " " + theObservation.getEffectiveDateTimeType().getValueAsString()
				: theObservation.hasEffectivePeriod() ? " " + theObservation.getEffectivePeriod().getStartElement().getValueAsString() : "";
		return kind + when + (theStart > 0 ? String.format(Locale.ROOT, ", from %.1f s", theStart) : "");
	}
}
