package org.openimd.server.deid;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A de-identification profile as data: rules in the semantics of Microsoft's FHIR anonymizer (a
 * FHIRPath, or {@code nodesByType('T')} with an optional FHIRPath after it, and a method), applied
 * in order, a node handled by one rule left alone by the later ones; and the parameters of its
 * partial redaction. Profiles live beside the other knowledge, in {@code terminology}.
 */
public record DeidentificationProfile(String name, String version, String description, List<String> sources, List<Rule> fhirPathRules,
		Parameters parameters) {

	private static final Set<String> METHODS = Set.of("keep", "redact", "cryptoHash", "generalize", "substitute");

	/**
	 * @param cases for {@code generalize}: FHIRPath conditions on the node, each with the FHIRPath of its new value
	 * @param otherValues for {@code generalize}: {@code redact} or {@code keep} a node no case matches
	 * @param replaceWith for {@code substitute}
	 * @param why which identifier the rule removes, for the reader
	 */
	public record Rule(String path, String method, Map<String, String> cases, String otherValues, String replaceWith, String why) {}

	public record Parameters(boolean enablePartialAgesForRedact, boolean enablePartialDatesForRedact, boolean enablePartialZipCodesForRedact,
			Set<String> restrictedZipCodeTabulationAreas) {}

	/** The Safe Harbor profile OpenIMD ships. */
	public static DeidentificationProfile safeHarbor() {
		return load("/org/openimd/terminology/deid/safe-harbor.json");
	}

	static DeidentificationProfile load(String theResource) {
		try (InputStream in = DeidentificationProfile.class.getResourceAsStream(theResource)) {
			if (in == null) {
				throw new IllegalStateException("no de-identification profile " + theResource);
			}
			DeidentificationProfile profile = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
					.readValue(in, DeidentificationProfile.class);
			profile.fhirPathRules().stream().filter(rule -> !METHODS.contains(rule.method())).findFirst().ifPresent(rule -> {
				throw new IllegalStateException(theResource + ": unknown method " + rule.method() + " for " + rule.path());
			});
			return profile;
		} catch (IOException e) {
			throw new UncheckedIOException("cannot read the de-identification profile " + theResource, e);
		}
	}
}
