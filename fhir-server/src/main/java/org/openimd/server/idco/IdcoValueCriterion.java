package org.openimd.server.idco;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.openimd.terminology.Mdc;

/**
 * One value of the {@code idco-value} search parameter: a data point's code and what its value must
 * be, {@code [system|]code$[prefix]number[|[system]|unit]} or {@code [system|]code$[system|]code}.
 */
sealed interface IdcoValueCriterion {

	String PARAMETER = "idco-value";

	String codeSystem();

	String code();

	/** A numeric value in the range [{@code low}, {@code high}) (either end open when null), or outside it. */
	record NumberRange(String codeSystem, String code, BigDecimal low, boolean lowInclusive, BigDecimal high,
			boolean highInclusive, boolean negated, Optional<String> unit) implements IdcoValueCriterion {}

	/** An enumerated value: a code, in any system unless one is given. */
	record CodedValue(String codeSystem, String code, Optional<String> valueSystem, String valueCode)
			implements IdcoValueCriterion {}

	static IdcoValueCriterion parse(String theValue) {
		int dollar = unescapedIndexOf(theValue, '$', 0);
		if (dollar < 0) {
			throw invalid(theValue, "no '$' between the data point's code and its value");
		}
		String[] dataPoint = systemAndCode(theValue.substring(0, dollar), theValue);
		String value = theValue.substring(dollar + 1);
		if (value.isEmpty()) {
			throw invalid(theValue, "no value after '$'");
		}
		String codeSystem = dataPoint[0] == null ? Mdc.SYSTEM : dataPoint[0];
		Optional<Prefix> prefix = Prefix.of(value);
		String number = prefix.map(p -> value.substring(2)).orElse(value);
		String[] numberAndUnit = split(number);
		if (looksNumeric(numberAndUnit[0])) {
			return numberCriterion(theValue, codeSystem, dataPoint[1], prefix.orElse(Prefix.EQ), numberAndUnit);
		}
		String[] valueCode = systemAndCode(value, theValue);
		return new CodedValue(codeSystem, dataPoint[1], Optional.ofNullable(valueCode[0]), valueCode[1]);
	}

	private static IdcoValueCriterion numberCriterion(String theValue, String theCodeSystem, String theCode, Prefix thePrefix,
			String[] theNumberAndUnit) {
		BigDecimal number;
		try {
			number = new BigDecimal(theNumberAndUnit[0]);
		} catch (NumberFormatException e) {
			throw invalid(theValue, "'" + theNumberAndUnit[0] + "' is not a number");
		}
		if (theNumberAndUnit.length == 2 || theNumberAndUnit.length > 3) {
			throw invalid(theValue, "a unit is written number|system|code, e.g. 3000|http://unitsofmeasure.org|Ohm");
		}
		Optional<String> unit = theNumberAndUnit.length == 3 && !theNumberAndUnit[2].isEmpty()
				? Optional.of(theNumberAndUnit[2]) : Optional.empty();
		// FHIR's eq is "within the precision the number was written with": 100 means [99.5, 100.5).
		BigDecimal halfStep = BigDecimal.ONE.movePointLeft(number.scale()).divide(BigDecimal.valueOf(2));
		BigDecimal tenth = number.abs().divide(BigDecimal.TEN, number.scale() + 2, RoundingMode.HALF_UP);
		return switch (thePrefix) {
			case EQ -> new NumberRange(theCodeSystem, theCode, number.subtract(halfStep), true, number.add(halfStep), false, false, unit);
			case NE -> new NumberRange(theCodeSystem, theCode, number.subtract(halfStep), true, number.add(halfStep), false, true, unit);
			case LT, EB -> new NumberRange(theCodeSystem, theCode, null, false, number, false, false, unit);
			case LE -> new NumberRange(theCodeSystem, theCode, null, false, number, true, false, unit);
			case GT, SA -> new NumberRange(theCodeSystem, theCode, number, false, null, false, false, unit);
			case GE -> new NumberRange(theCodeSystem, theCode, number, true, null, false, false, unit);
			case AP -> new NumberRange(theCodeSystem, theCode, number.subtract(tenth), true, number.add(tenth), true, false, unit);
		};
	}

	enum Prefix {
		EQ, NE, LT, LE, GT, GE, SA, EB, AP;

		static Optional<Prefix> of(String theValue) {
			if (theValue.length() < 3) {
				return Optional.empty();
			}
			try {
				return Optional.of(valueOf(theValue.substring(0, 2).toUpperCase(Locale.ROOT)));
			} catch (IllegalArgumentException notAPrefix) {
				return Optional.empty();
			}
		}
	}

	private static boolean looksNumeric(String theValue) {
		return !theValue.isEmpty() && (Character.isDigit(theValue.charAt(0))
				|| theValue.length() > 1 && (theValue.charAt(0) == '-' || theValue.charAt(0) == '.'));
	}

	/** system|code or code; {@code [null, code]} when no system is given. */
	private static String[] systemAndCode(String thePart, String theWhole) {
		String[] parts = split(thePart);
		if (parts.length > 2 || parts[parts.length - 1].isEmpty()) {
			throw invalid(theWhole, "'" + thePart + "' is not a code or system|code");
		}
		return parts.length == 1 ? new String[] {null, unescape(parts[0])} : new String[] {unescape(parts[0]), unescape(parts[1])};
	}

	private static String[] split(String theValue) {
		List<String> parts = new ArrayList<>();
		int start = 0;
		for (int bar = unescapedIndexOf(theValue, '|', 0); bar >= 0; bar = unescapedIndexOf(theValue, '|', start)) {
			parts.add(theValue.substring(start, bar));
			start = bar + 1;
		}
		parts.add(theValue.substring(start));
		return parts.toArray(String[]::new);
	}

	private static int unescapedIndexOf(String theValue, char theChar, int theFrom) {
		for (int i = theFrom; i < theValue.length(); i++) {
			if (theValue.charAt(i) == '\\') {
				i++;
			} else if (theValue.charAt(i) == theChar) {
				return i;
			}
		}
		return -1;
	}

	private static String unescape(String theValue) {
		return theValue.replaceAll("\\\\([\\\\$|,])", "$1");
	}

	private static InvalidRequestException invalid(String theValue, String theReason) {
		return new InvalidRequestException("Invalid " + PARAMETER + " '" + theValue + "': " + theReason
				+ ". Write [system|]code$[prefix]number[|[system]|unit] or [system|]code$[system|]code.");
	}
}
