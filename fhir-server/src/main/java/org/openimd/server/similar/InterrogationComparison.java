package org.openimd.server.similar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.openimd.terminology.IdcoTerm;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * Interrogations, compared by their IDCO measurements: lead impedances, sensing amplitudes and
 * pacing thresholds per channel, battery and capacitor, pacing percentages, arrhythmia burden and
 * shocks, as the method in the terminology module ({@code similarity/interrogation-similarity.properties})
 * lists and scales them. Only interrogations of one device type that report the same measurements,
 * enough of them, are compared; their score is exp(-d2 / 2), d2 the mean squared difference of their
 * measurements in the method's units, so the index's Euclidean distance orders candidates as the
 * exact score does.
 */
record InterrogationComparison(String version, double threshold, int candidates, int minFeatures, List<Feature> features) implements Comparison {

	private static final String RESOURCE = "/org/openimd/terminology/similarity/interrogation-similarity.properties";

	/** How a measurement becomes units: its logarithm, its percentage points, or the logarithm of one more than a count. */
	enum Scale { LOG, PERCENT, COUNT }

	/**
	 * @param codes the terms that report it, the first present counting
	 * @param unit the size of one unit on the feature's scale
	 */
	record Feature(String name, Scale scale, double unit, List<String> codes) {

		Optional<Double> units(double theValue) {
			return switch (scale) {
				case LOG -> theValue > 0 ? Optional.of(Math.log(theValue) / unit) : Optional.empty();
				case PERCENT -> Optional.of(theValue / unit);
				case COUNT -> theValue >= 0 ? Optional.of(Math.log1p(theValue) / unit) : Optional.empty();
			};
		}
	}

	/** @param units each reported feature's value in units, in the order of the signature's names */
	record InterrogationFeatures(String signature, double[] units) implements Features {

		@Override
		public float[] vector() {
			float[] vector = new float[units.length];
			for (int i = 0; i < units.length; i++) {
				vector[i] = (float) units[i];
			}
			return vector;
		}
	}

	static InterrogationComparison load(IdcoTermTable theTerms) {
		MethodData values = MethodData.load(RESOURCE);
		List<Feature> features = new ArrayList<>();
		values.startingWith("feature.").forEach((name, definition) -> {
			List<String> words = Arrays.asList(definition.split("\\s+"));
			Scale scale;
			try {
				scale = Scale.valueOf(words.get(0).toUpperCase(Locale.ROOT));
			} catch (IllegalArgumentException e) {
				throw values.invalid("feature." + name + " has no scale log, percent or count: " + definition);
			}
			if (words.size() < 2) {
				throw values.invalid("feature." + name + " names no IDCO term");
			}
			List<String> codes = words.subList(1, words.size()).stream().map(referenceId -> {
				IdcoTerm term = theTerms.byReferenceId(referenceId)
						.orElseThrow(() -> values.invalid("feature." + name + ": " + referenceId + " is not an IDCO term"));
				if (!term.hl7ValueType().filter("NM"::equals).isPresent()) {
					throw values.invalid("feature." + name + ": " + referenceId + " is not a number");
				}
				return term.code();
			}).toList();
			features.add(new Feature(name, scale, values.number("scale." + scale.name().toLowerCase(Locale.ROOT)), codes));
		});
		if (features.isEmpty()) {
			throw values.invalid("no feature.* is defined");
		}
		return new InterrogationComparison(values.text("version"), values.number("threshold"), (int) values.number("candidates"),
				(int) values.number("min-features"), List.copyOf(features));
	}

	/** The same method with another threshold (a review group's own calibration). */
	InterrogationComparison withThreshold(double theThreshold) {
		return new InterrogationComparison(version, theThreshold, candidates, minFeatures, features);
	}

	@Override
	public boolean accepts(Observation theObservation) {
		return theObservation.getCode().getCoding().stream()
				.anyMatch(coding -> OpenImdUris.CARDX_CIED_CODE_SYSTEM.equals(coding.getSystem()) && OpenImdUris.CARDX_IDCO.equals(coding.getCode()));
	}

	@Override
	public Features features(Observation theDataSet) {
		Map<String, Double> numbers = new LinkedHashMap<>();
		String deviceType = "unknown";
		List<Observation.ObservationComponentComponent> components = new ArrayList<>(theDataSet.getComponent());
		// Where a term comes in several instances (HV channels, say), the first one counts.
		components.sort(Comparator.comparingInt(InterrogationComparison::instance));
		for (Observation.ObservationComponentComponent component : components) {
			Optional<String> code = component.getCode().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem()))
					.map(Coding::getCode).findFirst();
			if (code.isEmpty()) {
				continue;
			}
			if (code.get().equals(Mdc.MDC_IDC_DEV_TYPE) && component.getValue() instanceof CodeableConcept type) {
				deviceType = type.getCoding().stream().map(Coding::getCode).findFirst().orElse(type.hasText() ? type.getText() : deviceType);
			} else if (component.getValue() instanceof Quantity quantity && quantity.hasValue()) {
				numbers.putIfAbsent(code.get(), quantity.getValue().doubleValue());
			}
		}
		List<String> names = new ArrayList<>();
		List<Double> units = new ArrayList<>();
		for (Feature feature : features) {
			feature.codes().stream().filter(numbers::containsKey).findFirst()
					.flatMap(code -> feature.units(numbers.get(code)))
					.ifPresent(value -> {
						names.add(feature.name());
						units.add(value);
					});
		}
		if (names.size() < minFeatures) {
			throw new NotComparableException("the interrogation reports " + names.size() + " of the measurements OpenIMD compares, "
					+ minFeatures + " are needed (method " + version + ")");
		}
		return new InterrogationFeatures("interrogation:" + deviceType + ":" + String.join(",", names), units.stream().mapToDouble(Double::doubleValue).toArray());
	}

	private static int instance(Observation.ObservationComponentComponent theComponent) {
		return theComponent.getExtension().stream().filter(extension -> OpenImdUris.IDCO_INSTANCE_EXTENSION.equals(extension.getUrl()))
				.map(extension -> ((IntegerType) extension.getValue()).getValue()).findFirst().orElse(0);
	}

	@Override
	public double score(Features theQuery, Features theCandidate) {
		double[] query = ((InterrogationFeatures) theQuery).units();
		double[] candidate = ((InterrogationFeatures) theCandidate).units();
		double squares = 0;
		for (int i = 0; i < query.length; i++) {
			squares += (query[i] - candidate[i]) * (query[i] - candidate[i]);
		}
		return Math.exp(-squares / query.length / 2);
	}

	@Override
	public SimilarityIndex.Metric metric() {
		return SimilarityIndex.Metric.EUCLIDEAN;
	}

	@Override
	public String storedAs() {
		return OpenImdUris.CARDX_CIED_CODE_SYSTEM + "|" + OpenImdUris.CARDX_IDCO;
	}
}
