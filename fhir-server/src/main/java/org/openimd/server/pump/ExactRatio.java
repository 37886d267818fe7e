package org.openimd.server.pump;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * A quotient kept as numerator and denominator, so that the pump arithmetic never rounds before the
 * specification says to: comparing 18 / 0.2 with a limit of 90 is decided on {@code 18} against
 * {@code 90 × 0.2}, not on a binary or truncated approximation of the quotient.
 */
record ExactRatio(BigDecimal numerator, BigDecimal denominator) implements Comparable<ExactRatio> {

	ExactRatio {
		if (denominator.signum() <= 0) {
			throw new IllegalArgumentException("denominator must be positive");
		}
	}

	static ExactRatio of(BigDecimal theValue) {
		return new ExactRatio(theValue, BigDecimal.ONE);
	}

	ExactRatio times(BigDecimal theFactor) {
		return new ExactRatio(numerator.multiply(theFactor), denominator);
	}

	ExactRatio times(ExactRatio theOther) {
		return new ExactRatio(numerator.multiply(theOther.numerator), denominator.multiply(theOther.denominator));
	}

	ExactRatio dividedBy(BigDecimal theDivisor) {
		return theDivisor.signum() < 0
				? new ExactRatio(numerator.negate(), denominator.multiply(theDivisor.negate()))
				: new ExactRatio(numerator, denominator.multiply(theDivisor));
	}

	/** This divided by a positive {@code theDivisor}. */
	ExactRatio dividedBy(ExactRatio theDivisor) {
		return times(new ExactRatio(theDivisor.denominator, theDivisor.numerator));
	}

	ExactRatio plus(ExactRatio theOther) {
		return new ExactRatio(numerator.multiply(theOther.denominator).add(theOther.numerator.multiply(denominator)),
				denominator.multiply(theOther.denominator));
	}

	ExactRatio minus(ExactRatio theOther) {
		return plus(new ExactRatio(theOther.numerator.negate(), theOther.denominator));
	}

	@Override
	public int compareTo(ExactRatio theOther) {
		return numerator.multiply(theOther.denominator).compareTo(theOther.numerator.multiply(denominator));
	}

	int compareTo(BigDecimal theValue) {
		return numerator.compareTo(theValue.multiply(denominator));
	}

	boolean isAbove(BigDecimal theValue) {
		return compareTo(theValue) > 0;
	}

	boolean isBelow(BigDecimal theValue) {
		return compareTo(theValue) < 0;
	}

	int signum() {
		return numerator.signum();
	}

	/** Whole units, rounded down: the safe side for days a reservoir lasts. */
	BigDecimal floor() {
		return numerator.divide(denominator, 0, RoundingMode.FLOOR);
	}

	/** Rounded once, at {@code theScale} decimals, from the exact value. */
	BigDecimal rounded(int theScale, RoundingMode theMode) {
		return numerator.divide(denominator, theScale, theMode);
	}

	/** Rounded up to a multiple of {@code theStep} (0.01 → the next hundredth). */
	BigDecimal roundedUpTo(BigDecimal theStep) {
		ExactRatio steps = dividedBy(theStep);
		return plain(steps.numerator.divide(steps.denominator, 0, RoundingMode.CEILING).multiply(theStep));
	}

	/**
	 * The value as a decimal for display: exact when it terminates, else to 16 significant digits.
	 * Decisions are never taken on this value.
	 */
	BigDecimal toDecimal() {
		try {
			return plain(numerator.divide(denominator));
		} catch (ArithmeticException nonTerminating) {
			return plain(numerator.divide(denominator, MathContext.DECIMAL64));
		}
	}

	/** Without trailing zeros, and never in exponent notation ({@code 100}, not {@code 1E+2}). */
	static BigDecimal plain(BigDecimal theValue) {
		BigDecimal stripped = theValue.stripTrailingZeros();
		return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
	}
}
