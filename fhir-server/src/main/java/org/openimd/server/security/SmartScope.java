package org.openimd.server.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SMART App Launch scope on FHIR resources, v1 ({@code system/Device.read}) or v2
 * ({@code system/Device.rs}, {@code patient/Observation.rs?category=…}), reduced to the interactions
 * it permits: c(reate), r(ead), u(pdate), d(elete), s(earch).
 *
 * @param context {@code patient}, {@code user} or {@code system}
 * @param resourceType a resource type, or {@code *}
 * @param interactions the letters of {@code cruds} it permits, in that order
 * @param filter a v2 granular constraint (after {@code ?}), or empty
 */
public record SmartScope(String context, String resourceType, String interactions, Optional<String> filter) {

	private static final Pattern SCOPE = Pattern.compile("(patient|user|system)/(\\*|[A-Z][A-Za-z]+)\\.([a-z*]+)(?:\\?(.+))?");
	private static final Pattern V2_INTERACTIONS = Pattern.compile("c?r?u?d?s?");
	private static final Pattern FILTER_PARAMETER = Pattern.compile("[A-Za-z_][A-Za-z0-9_:.-]*=[^&=]+");

	public static List<SmartScope> parseAll(Collection<String> theScopes) {
		return theScopes.stream().map(SmartScope::parse).flatMap(Optional::stream).toList();
	}

	/**
	 * The scope, or empty when it is not a resource scope, its interactions are malformed (out of order,
	 * unknown), or its granular filter is not a list of {@code name=value} joined by {@code &}.
	 */
	public static Optional<SmartScope> parse(String theScope) {
		Matcher scope = SCOPE.matcher(theScope);
		if (!scope.matches()) {
			return Optional.empty();
		}
		String interactions = switch (scope.group(3)) {
			case "read" -> "rs";
			case "write" -> "cud";
			case "*" -> "cruds";
			default -> V2_INTERACTIONS.matcher(scope.group(3)).matches() ? scope.group(3) : "";
		};
		String filter = scope.group(4);
		if (interactions.isEmpty() || (filter != null && !Arrays.stream(filter.split("&")).allMatch(FILTER_PARAMETER.asMatchPredicate()))) {
			return Optional.empty();
		}
		return Optional.of(new SmartScope(scope.group(1), scope.group(2), interactions, Optional.ofNullable(scope.group(4))));
	}

	/** The search parameters of the granular filter, in their order, with percent-escapes decoded ({@code +} stays {@code +}). */
	public List<Map.Entry<String, String>> filterParameters() {
		return filter.stream().flatMap(parameters -> Arrays.stream(parameters.split("&"))).map(parameter -> {
			int equals = parameter.indexOf('=');
			return Map.entry(parameter.substring(0, equals), URLDecoder.decode(parameter.substring(equals + 1).replace("+", "%2B"), StandardCharsets.UTF_8));
		}).toList();
	}

	public boolean permits(char theInteraction) {
		return interactions.indexOf(theInteraction) >= 0;
	}

	public boolean anyResourceType() {
		return resourceType.equals("*");
	}

	/**
	 * Whether this scope grants everything {@code theNarrower} asks for: the same context, this type or
	 * every type, no interaction beyond this one's, and this one's granular filter if it has one.
	 */
	public boolean covers(SmartScope theNarrower) {
		return context.equals(theNarrower.context)
				&& (anyResourceType() || resourceType.equals(theNarrower.resourceType))
				&& theNarrower.interactions.chars().allMatch(interaction -> permits((char) interaction))
				&& (filter.isEmpty() || filter.equals(theNarrower.filter));
	}
}
