package org.openimd.mappers.hl7v2;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * HL7 v2 DTM ({@code YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]}) to FHIR dateTime, keeping the
 * precision the sender gave. FHIR requires a time zone whenever a time is given; a sender that
 * omits it is taken to mean the zone configured for it, and the caller is told so.
 */
public final class Hl7DateTimes {

	private static final Pattern DTM = Pattern.compile(
			"(\\d{4})(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(\\d{2})?(?:\\.(\\d{1,4}))?([+-]\\d{4})?");

	private Hl7DateTimes() {}

	/** A converted time and whether the sender's zone had to be assumed. */
	public record Converted(DateTimeType value, boolean zoneAssumed) {}

	public static Optional<Converted> toFhir(String theDtm, ZoneId theSenderZone) {
		Matcher dtm = DTM.matcher(theDtm.strip());
		if (!dtm.matches()) {
			return Optional.empty();
		}
		try {
			int year = Integer.parseInt(dtm.group(1));
			int month = intOr(dtm.group(2), 1);
			int day = intOr(dtm.group(3), 1);
			// Throws DateTimeException for a month 13 or a 30 February, which the caller hears as "not a date".
			java.time.LocalDate.of(year, month, day);
			if (dtm.group(4) == null) {
				TemporalPrecisionEnum precision = dtm.group(2) == null
						? TemporalPrecisionEnum.YEAR
						: dtm.group(3) == null ? TemporalPrecisionEnum.MONTH : TemporalPrecisionEnum.DAY;
				DateTimeType date = new DateTimeType(String.format("%04d-%02d-%02d", year, month, day));
				date.setPrecision(precision);
				return Optional.of(new Converted(date, false));
			}
			LocalDateTime local = LocalDateTime.of(
					year, month, day, Integer.parseInt(dtm.group(4)), intOr(dtm.group(5), 0), intOr(dtm.group(6), 0),
					fractionNanos(dtm.group(7)));
			boolean zoneAssumed = dtm.group(8) == null;
			ZoneOffset offset = zoneAssumed
					? theSenderZone.getRules().getOffset(local)
					: ZoneOffset.of(dtm.group(8).substring(0, 3) + ":" + dtm.group(8).substring(3));
			DateTimeType value = new DateTimeType(
					Date.from(local.toInstant(offset)),
					dtm.group(7) != null ? TemporalPrecisionEnum.MILLI : TemporalPrecisionEnum.SECOND,
					TimeZone.getTimeZone(offset));
			return Optional.of(new Converted(value, zoneAssumed));
		} catch (java.time.DateTimeException e) {
			return Optional.empty();
		}
	}

	private static int intOr(String theDigits, int theDefault) {
		return theDigits == null ? theDefault : Integer.parseInt(theDigits);
	}

	private static int fractionNanos(String theFraction) {
		return theFraction == null ? 0 : Integer.parseInt((theFraction + "000000000").substring(0, 9));
	}
}
