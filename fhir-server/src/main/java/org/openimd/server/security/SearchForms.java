package org.openimd.server.security;

import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.SearchContainedModeEnum;
import ca.uhn.fhir.rest.param.CompositeParam;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.NumberParam;
import ca.uhn.fhir.rest.param.QuantityParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.UriParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The search forms a token limited to some patients may use, judged on the search as HAPI parsed it
 * (not on the query string, where {@code focus:Patient.given} or an encoded name hides a chain): plain
 * values of the token, string, date, number, quantity, URI and composite kinds, and references named
 * by id. Everything else can test what lies beyond the token's reach while the results stay within
 * it, and is refused: chains (with or without a type modifier), reverse chains ({@code _has}),
 * {@code _filter}, {@code _text} and {@code _content}, {@code _list}, and searches of contained
 * resources.
 */
final class SearchForms {

	private static final Set<Class<? extends IQueryParameterType>> PLAIN_VALUES = Set.of(TokenParam.class, StringParam.class, DateParam.class,
			NumberParam.class, QuantityParam.class, UriParam.class);
	/** Parsed as plain strings, yet each a search language or a look into other resources of its own. */
	private static final Set<String> NOT_PLAIN_WHATEVER_THE_VALUE = Set.of("_filter", "_text", "_content", "_list", "_has", "_query");

	private SearchForms() {}

	static void refuseAllButPlainForms(SearchParameterMap theSearch) {
		if (theSearch.getSearchContainedMode() != SearchContainedModeEnum.FALSE) {
			throw refused("_contained");
		}
		for (Map.Entry<String, List<List<IQueryParameterType>>> parameter : theSearch.entrySet()) {
			if (NOT_PLAIN_WHATEVER_THE_VALUE.contains(parameter.getKey())) {
				throw refused(parameter.getKey());
			}
			for (List<IQueryParameterType> alternatives : parameter.getValue()) {
				for (IQueryParameterType value : alternatives) {
					if (!plain(value)) {
						throw refused(parameter.getKey());
					}
				}
			}
		}
	}

	private static boolean plain(IQueryParameterType theValue) {
		if (theValue instanceof ReferenceParam reference) {
			return reference.getChain() == null || reference.getChain().isEmpty();
		}
		if (theValue instanceof CompositeParam<?, ?> composite) {
			return plain(composite.getLeftValue()) && plain(composite.getRightValue());
		}
		return PLAIN_VALUES.contains(theValue.getClass());
	}

	private static ForbiddenOperationException refused(String theParameter) {
		return new ForbiddenOperationException("the search parameter " + theParameter + " is not available to tokens limited by a role:"
				+ " it could reveal data beyond the token's reach");
	}
}
