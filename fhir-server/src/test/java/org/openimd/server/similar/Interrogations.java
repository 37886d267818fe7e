package org.openimd.server.similar;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.idco.IdcoMessageGenerator;
import org.openimd.mappers.idco.IdcoOruMapper;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.OpenImdUris;

/**
 * Interrogations for the similar-case tests: synthetic IDCO messages ({@link IdcoMessageGenerator}),
 * the same interrogation measured again (every number off by a seeded few percent), and the
 * IdcoObservation ingest makes of a message.
 */
public final class Interrogations {

	static final IdcoTermTable TERMS = IdcoTermTable.load();
	private static final IdcoOruMapper MAPPER = new IdcoOruMapper(TERMS, ZoneId.of("Europe/Berlin"));

	private Interrogations() {}

	/** Interrogation {@code theSession} of synthetic patient {@code thePatient}; the prefix starts every identifier. */
	public static String message(String thePrefix, int thePatient, int theSession) {
		return new IdcoMessageGenerator(TERMS, thePrefix).interrogation(thePatient, theSession);
	}

	/**
	 * {@code theMessage} measured again on another patient's device: the identifiers starting with
	 * {@code thePrefix} start with {@code theNewPrefix} instead, and every number (OBX-2 NM) is
	 * multiplied by a factor drawn from 1 ± {@code theRelative}, written with as many decimals.
	 */
	public static String measuredAgain(String theMessage, String thePrefix, String theNewPrefix, double theRelative, long theSeed) {
		SplittableRandom random = new SplittableRandom(theSeed);
		return Arrays.stream(theMessage.replace(thePrefix, theNewPrefix).split("\r")).map(segment -> {
			String[] fields = segment.split("\\|", -1);
			if (!fields[0].equals("OBX") || !fields[2].equals("NM")) {
				return segment;
			}
			String value = fields[5];
			int decimals = value.contains(".") ? value.length() - value.indexOf('.') - 1 : 0;
			double factor = 1 + theRelative * (2 * random.nextDouble() - 1);
			fields[5] = String.format(Locale.ROOT, "%." + decimals + "f", Double.parseDouble(value) * factor);
			return String.join("|", fields);
		}).collect(Collectors.joining("\r", "", "\r"));
	}

	/** The IdcoObservation ingest makes of {@code theMessage}. */
	public static Observation measurements(String theMessage) {
		try {
			return MAPPER.map(theMessage.getBytes(StandardCharsets.UTF_8), Instant.parse("2026-11-01T00:00:00Z")).transaction().getEntry().stream()
					.map(entry -> entry.getResource()).filter(Observation.class::isInstance).map(Observation.class::cast)
					.filter(observation -> observation.getCode().getCoding().stream().anyMatch(coding -> OpenImdUris.CARDX_IDCO.equals(coding.getCode())))
					.findFirst().orElseThrow();
		} catch (MessageRejectedException e) {
			throw new IllegalArgumentException(e);
		}
	}
}
