package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The UCUM units pump prescriptions use, converted exactly: masses to the drug's own unit (mg or ug),
 * volumes to mL, rates to per day. Every factor is a power of ten or a whole number of hours, so no
 * conversion rounds. Anything else (a dose in {@code mmol/d}, a rate in {@code mL} where a mass is
 * due, the non-UCUM {@code mcg}) is refused with the units that would be accepted.
 */
final class PumpUnits {

	private static final Map<String, BigDecimal> MICROGRAMS = Map.of("g", new BigDecimal("1000000"), "mg", new BigDecimal("1000"),
			"ug", BigDecimal.ONE, "ng", new BigDecimal("0.001"));
	private static final Map<String, BigDecimal> MILLILITRES = Map.of("mL", BigDecimal.ONE, "L", new BigDecimal("1000"),
			"uL", new BigDecimal("0.001"));
	private static final Map<String, BigDecimal> PER_DAY = Map.of("d", BigDecimal.ONE, "h", new BigDecimal("24"),
			"min", new BigDecimal("1440"));

	private PumpUnits() {}

	/** {@code theValue theUnit} (a mass per volume) in {@code theMassUnit}/mL. */
	static ExactRatio concentration(BigDecimal theValue, String theUnit, String theMassUnit, String theLocation) {
		String[] parts = split(theUnit, theLocation, "a concentration such as mg/mL or ug/mL");
		return ExactRatio.of(theValue.multiply(factor(MICROGRAMS, parts[0], theUnit, theLocation, "mg/mL or ug/mL")))
				.dividedBy(MICROGRAMS.get(theMassUnit))
				.dividedBy(factor(MILLILITRES, parts[1], theUnit, theLocation, "mg/mL or ug/mL"));
	}

	/** {@code theValue theUnit} (a mass per time) in {@code theMassUnit}/d. */
	static ExactRatio dailyMass(BigDecimal theValue, String theUnit, String theMassUnit, String theLocation) {
		String[] parts = split(theUnit, theLocation, "a daily dose such as mg/d or ug/d");
		return ExactRatio.of(theValue.multiply(factor(MICROGRAMS, parts[0], theUnit, theLocation, "mg/d, ug/d, mg/h or ug/h"))
				.multiply(factor(PER_DAY, parts[1], theUnit, theLocation, "mg/d, ug/d, mg/h or ug/h")))
				.dividedBy(MICROGRAMS.get(theMassUnit));
	}

	/** {@code theValue theUnit} (a mass) in {@code theMassUnit}. */
	static ExactRatio mass(BigDecimal theValue, String theUnit, String theMassUnit, String theLocation) {
		return ExactRatio.of(theValue.multiply(factor(MICROGRAMS, theUnit, theUnit, theLocation, "mg or ug")))
				.dividedBy(MICROGRAMS.get(theMassUnit));
	}

	static ExactRatio volume(BigDecimal theValue, String theUnit, String theLocation) {
		return ExactRatio.of(theValue.multiply(factor(MILLILITRES, theUnit, theUnit, theLocation, "mL")));
	}

	/** A duration in days: d, wk, h or min (a month is no fixed number of days). */
	static ExactRatio days(BigDecimal theValue, String theUnit, String theLocation) {
		if ("wk".equals(theUnit)) {
			return ExactRatio.of(theValue.multiply(new BigDecimal("7")));
		}
		return ExactRatio.of(theValue).dividedBy(factor(PER_DAY, theUnit, theUnit, theLocation, "d, wk, h or min"));
	}

	private static String[] split(String theUnit, String theLocation, String theExpected) {
		String[] parts = theUnit == null ? new String[0] : theUnit.split("/");
		if (parts.length != 2) {
			throw new PumpInputException(theLocation, "'" + theUnit + "' is not " + theExpected + " (UCUM)");
		}
		return parts;
	}

	private static BigDecimal factor(Map<String, BigDecimal> theUnits, String thePart, String theUnit, String theLocation,
			String theAccepted) {
		if (thePart == null) {
			throw new PumpInputException(theLocation, "a unit is required; use " + theAccepted);
		}
		BigDecimal factor = theUnits.get(thePart);
		if (factor == null) {
			String hint = "mcg".equals(thePart) ? " (write ug: mcg is not UCUM)" : "";
			throw new PumpInputException(theLocation, "the unit '" + theUnit + "' cannot be converted here" + hint + "; use " + theAccepted);
		}
		return factor;
	}
}
