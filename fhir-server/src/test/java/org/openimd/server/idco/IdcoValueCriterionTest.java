package org.openimd.server.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openimd.server.idco.IdcoValueCriterion.CodedValue;
import org.openimd.server.idco.IdcoValueCriterion.NumberRange;
import org.openimd.terminology.Mdc;

class IdcoValueCriterionTest {

	@Test
	void numberWithoutPrefixMatchesWithinThePrecisionItIsWrittenWith() {
		NumberRange range = (NumberRange) IdcoValueCriterion.parse("722433$100");

		assertThat(range.codeSystem()).isEqualTo(Mdc.SYSTEM);
		assertThat(range.code()).isEqualTo("722433");
		assertThat(range.low()).isEqualByComparingTo("99.5");
		assertThat(range.lowInclusive()).isTrue();
		assertThat(range.high()).isEqualByComparingTo("100.5");
		assertThat(range.highInclusive()).isFalse();
		assertThat(((NumberRange) IdcoValueCriterion.parse("721344$6.30")).high()).isEqualByComparingTo("6.305");
	}

	@Test
	void prefixesBoundTheValue() {
		NumberRange lessThan = (NumberRange) IdcoValueCriterion.parse("722433$lt200");
		NumberRange atLeast = (NumberRange) IdcoValueCriterion.parse("722433$ge2000");
		NumberRange approximately = (NumberRange) IdcoValueCriterion.parse("722433$ap1000");

		assertThat(lessThan.low()).isNull();
		assertThat(lessThan.high()).isEqualByComparingTo("200");
		assertThat(lessThan.highInclusive()).isFalse();
		assertThat(atLeast.low()).isEqualByComparingTo("2000");
		assertThat(atLeast.lowInclusive()).isTrue();
		assertThat(atLeast.high()).isNull();
		assertThat(approximately.low()).isEqualByComparingTo("900");
		assertThat(approximately.high()).isEqualByComparingTo("1100");
		assertThat(((NumberRange) IdcoValueCriterion.parse("722433$ne3000")).negated()).isTrue();
	}

	@Test
	void unitAndDataPointSystemAreOptional() {
		NumberRange withUnit = (NumberRange) IdcoValueCriterion.parse("urn:iso:std:iso:11073:10101|722433$gt2000|http://unitsofmeasure.org|Ohm");
		NumberRange unitWithoutSystem = (NumberRange) IdcoValueCriterion.parse("722433$gt2000||Ohm");

		assertThat(withUnit.unit()).contains("Ohm");
		assertThat(unitWithoutSystem.unit()).contains("Ohm");
		assertThat(IdcoValueCriterion.parse("urn:oid:1.2|X1$-5")).isInstanceOfSatisfying(NumberRange.class, range -> {
			assertThat(range.codeSystem()).isEqualTo("urn:oid:1.2");
			assertThat(range.low()).isEqualByComparingTo(BigDecimal.valueOf(-5.5));
		});
	}

	@Test
	void aValueThatIsNotANumberIsACode() {
		assertThat(IdcoValueCriterion.parse("721280$RRT"))
				.isEqualTo(new CodedValue(Mdc.SYSTEM, "721280", Optional.empty(), "RRT"));
		assertThat(IdcoValueCriterion.parse("721280$urn:iso:std:iso:11073:10101|754115"))
				.isEqualTo(new CodedValue(Mdc.SYSTEM, "721280", Optional.of(Mdc.SYSTEM), "754115"));
	}

	@Test
	void malformedValuesAreRejectedWithTheSyntax() {
		assertThatThrownBy(() -> IdcoValueCriterion.parse("722433")).isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("no '$'");
		assertThatThrownBy(() -> IdcoValueCriterion.parse("722433$")).isInstanceOf(InvalidRequestException.class);
		assertThatThrownBy(() -> IdcoValueCriterion.parse("722433$gt2000|Ohm")).isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("number|system|code");
		assertThatThrownBy(() -> IdcoValueCriterion.parse("722433$1e")).isInstanceOf(InvalidRequestException.class)
				.hasMessageContaining("not a number");
	}
}
