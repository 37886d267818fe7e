package org.openimd.server.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;

/** How the statistics write their figures: rounded as said in their OperationDefinitions, and a withheld row marked so. */
final class Figures {

	private Figures() {}

	static DecimalType rounded(double theValue, int theDecimals) {
		return new DecimalType(BigDecimal.valueOf(theValue).setScale(theDecimals, RoundingMode.HALF_UP));
	}

	/** Marks a row whose figures small-cell suppression withholds; they are then absent. */
	static void suppressed(ParametersParameterComponent theRow) {
		theRow.addPart().setName("suppressed").setValue(new BooleanType(true));
	}
}
