package org.openimd.server.advisories;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Optional;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Type;

/** What every published notice must say, read from its Parameters. */
final class Notices {

	private Notices() {}

	/** The text of parameter {@code theName}; a 400 naming it when it is missing or blank. */
	static String required(Parameters theNotice, String theName) {
		return Optional.ofNullable(theNotice.getParameter(theName)).filter(Parameters.ParametersParameterComponent::hasValue)
				.map(parameter -> ((Type) parameter.getValue()).primitiveValue()).filter(value -> !value.isBlank())
				.orElseThrow(() -> new InvalidRequestException("a notice has a " + theName));
	}
}
