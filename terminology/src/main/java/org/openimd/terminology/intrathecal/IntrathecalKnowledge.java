package org.openimd.terminology.intrathecal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.Device;
import org.openimd.terminology.KnowledgeTables;
import org.openimd.terminology.KnowledgeTables.Citation;

/**
 * What OpenIMD knows about intrathecal drugs and pumps, read from the data files beside this class
 * (their README says what each holds). Every threshold keeps the rule it belongs to, its severity and
 * its citation, so a finding can say where its number comes from.
 *
 * <p>The files are checked as they are read: an unknown rule, drug, source or confidence, a number
 * that does not parse, or a name given to two drugs stops start-up rather than checking a
 * prescription against a wrong table.
 */
public final class IntrathecalKnowledge {

	public enum Severity { REJECT, WARN, INFO }

	/**
	 * @param massUnit the unit its doses are kept in ({@code mg} or {@code ug})
	 * @param intrathecal whether it is a pump drug (false: known only to the opioid converter)
	 * @param rxnorm its RxNorm ingredient code, when one was verified; a recalled code is not used
	 */
	public record Drug(String id, String display, String massUnit, boolean opioid, boolean intrathecal, Optional<String> rxnorm,
			List<String> names, Citation citation) {}

	public record Strength(String drug, BigDecimal value, String unit, String product, String use, Citation citation) {}

	/** An inactive ingredient: a {@code diluent}, a {@code vehicle} or a {@code preservative}. */
	public record Excipient(String id, String role, List<String> names, Citation citation) {

		public boolean isPreservative() {
			return role.equals("preservative");
		}

		public boolean isDiluent() {
			return role.equals("diluent");
		}
	}

	public record Rule(String id, Severity severity, String summary, Citation citation) {}

	/**
	 * One threshold: {@code measure} of {@code drug} ({@code *} any) compared with {@code value}.
	 *
	 * @param comparison {@code above}, {@code below}, {@code at-most}, {@code other-than-undiluted} or {@code present}
	 * @param upTo the inclusive top of a band ("above 15 and at most 20"), when the rule is a band
	 * @param condition when the threshold applies: always (empty), {@code initiation}, {@code first-fill},
	 *     {@code spinal}, {@code cerebral}, or {@code pump=<family>}
	 */
	public record Limit(String rule, String drug, String measure, String comparison, Optional<BigDecimal> value, String unit,
			Optional<BigDecimal> upTo, Severity severity, String condition, Citation citation) {}

	/**
	 * How long a formulation stays stable in the pump.
	 *
	 * @param drugs the active ingredients, or {@code ziconotide, *} for ziconotide with anything, or {@code *}
	 * @param preparation {@code any}, {@code first-fill}, {@code undiluted}, {@code diluted},
	 *     {@code component-minimum} (no cap of its own: the least of its components'), {@code unlisted}
	 * @param days empty for {@code component-minimum}
	 */
	public record StabilityCap(Set<String> drugs, String preparation, Optional<Integer> days, Citation citation) {}

	public record PumpModel(String family, String model, String modelNumber, String manufacturer, BigDecimal reservoirMl, Citation citation) {}

	public record PumpParameter(String family, String parameter, String value, String unit, String rule, Citation citation) {

		public BigDecimal decimal() {
			return new BigDecimal(value);
		}
	}

	/**
	 * @param subject a drug id, or {@code admixture} for any formulation of more than one active drug
	 * @param labelling {@code labelled}, {@code off-label} or {@code not-permitted}
	 */
	public record PumpLabel(String family, String subject, String labelling, Optional<Integer> minimumAge, String rule, Citation citation) {}

	/**
	 * @param kind {@code mme-factor} (CDC oral MME per unit of daily dose), {@code route-ratio} (morphine's
	 *     part of 300 : 100 : 10 : 1), {@code intrathecal-ratio} (mg intrathecal morphine per mg),
	 *     {@code start-fraction}, {@code rounding} or {@code not-supported}
	 */
	public record Conversion(String rule, String kind, String drug, String route, Optional<BigDecimal> value, String unit, Citation citation) {}

	private static final KnowledgeTables TABLES = new KnowledgeTables(IntrathecalKnowledge.class, "intrathecal knowledge", Set.of("V", "R", "P"));

	private final String myVersion;
	private final Map<String, Drug> myDrugs;
	private final Map<String, Drug> myDrugsByName = new LinkedHashMap<>();
	private final Map<String, Drug> myDrugsByRxNorm = new LinkedHashMap<>();
	private final List<Strength> myStrengths;
	private final Map<String, Excipient> myExcipientsByName = new LinkedHashMap<>();
	private final Map<String, Excipient> myExcipientsByRxNorm = new LinkedHashMap<>();
	private final Map<String, Rule> myRules;
	private final List<Limit> myLimits;
	private final List<StabilityCap> myStability;
	private final List<PumpModel> myPumpModels;
	private final List<PumpParameter> myPumpParameters;
	private final List<PumpLabel> myPumpLabels;
	private final List<Conversion> myConversions;

	private IntrathecalKnowledge() {
		Properties catalogue = TABLES.properties("catalogue.properties");
		myVersion = TABLES.required(catalogue.getProperty("version"), "catalogue.properties has no version");
		myRules = TABLES.index(TABLES.rows("rules.csv").stream().map(row -> new Rule(row.get("rule"), severity(row), row.get("summary"), TABLES.citation(row))).toList(), Rule::id);
		myDrugs = TABLES.index(TABLES.rows("drugs.csv").stream().map(this::drug).toList(), Drug::id);
		for (Drug drug : myDrugs.values()) {
			drug.names().forEach(name -> TABLES.unique(myDrugsByName, name, drug, "drug name"));
			drug.rxnorm().ifPresent(code -> TABLES.unique(myDrugsByRxNorm, code, drug, "RxNorm code"));
		}
		myStrengths = TABLES.rows("strengths.csv").stream().map(row -> new Strength(knownDrug(row.get("drug")), TABLES.decimal(row, "strength"),
				row.get("unit"), row.get("product"), row.get("use"), TABLES.citation(row))).toList();
		Map<String, Excipient> excipients = new LinkedHashMap<>();
		for (CSVRecord row : TABLES.rows("excipients.csv")) {
			Excipient excipient = new Excipient(row.get("excipient"), row.get("role"), names(row.get("names")), TABLES.citation(row));
			excipient.names().forEach(name -> TABLES.unique(myExcipientsByName, name, excipient, "excipient name"));
			TABLES.unique(excipients, excipient.id(), excipient, "excipient");
		}
		for (CSVRecord row : TABLES.rows("excipient-codes.csv")) {
			Excipient excipient = Optional.ofNullable(excipients.get(row.get("excipient")))
					.orElseThrow(() -> TABLES.malformed(row, "no excipient '" + row.get("excipient") + "' in excipients.csv"));
			TABLES.citation(row);
			String code = TABLES.required(row.get("rxnorm"), "an excipient code row without a code: " + row);
			if (myDrugsByRxNorm.containsKey(code)) {
				throw TABLES.malformed(row, "RxNorm " + code + " is a drug's code too");
			}
			TABLES.unique(myExcipientsByRxNorm, code, excipient, "excipient RxNorm code");
		}
		myLimits = TABLES.rows("limits.csv").stream().map(row -> new Limit(knownRule(row.get("rule")), anyOrKnownDrug(row.get("drug")),
				row.get("measure"), row.get("comparison"), TABLES.optionalDecimal(row, "value"), row.get("unit"), TABLES.optionalDecimal(row, "up_to"),
				severity(row), row.get("condition"), TABLES.citation(row))).toList();
		myStability = TABLES.rows("stability.csv").stream().map(row -> new StabilityCap(formulation(row.get("formulation")), row.get("preparation"),
				TABLES.optionalDecimal(row, "days").map(BigDecimal::intValueExact), TABLES.citation(row))).toList();
		myPumpModels = TABLES.rows("pumps.csv").stream().map(row -> new PumpModel(row.get("family"), row.get("model"), row.get("model_number"),
				row.get("manufacturer"), TABLES.decimal(row, "reservoir"), TABLES.citation(row))).toList();
		myPumpParameters = TABLES.rows("pump-parameters.csv").stream().map(row -> new PumpParameter(row.get("family"), row.get("parameter"),
				row.get("value"), row.get("unit"), knownRule(row.get("rule")), TABLES.citation(row))).toList();
		myPumpLabels = TABLES.rows("pump-labels.csv").stream().map(row -> new PumpLabel(row.get("family"), row.get("drug"), row.get("labelling"),
				TABLES.optionalDecimal(row, "minimum_age").map(BigDecimal::intValueExact), row.get("rule").isEmpty() ? "" : knownRule(row.get("rule")),
				TABLES.citation(row))).toList();
		myConversions = TABLES.rows("conversion.csv").stream().map(row -> new Conversion(knownRule(row.get("rule")), row.get("kind"),
				anyOrKnownDrug(row.get("drug")), row.get("route"), TABLES.optionalDecimal(row, "value"), row.get("unit"), TABLES.citation(row))).toList();
	}

	private static final class Holder {
		static final IntrathecalKnowledge INSTANCE = new IntrathecalKnowledge();
	}

	/** The knowledge shipped in this module, read and checked once. */
	public static IntrathecalKnowledge load() {
		return Holder.INSTANCE;
	}

	/** The version of the data files ({@code catalogue.properties}), reported with every check. */
	public String version() {
		return myVersion;
	}

	public Optional<Drug> drug(String theId) {
		return Optional.ofNullable(myDrugs.get(theId));
	}

	/** A drug by one of its accepted names or brand names, whatever the case. */
	public Optional<Drug> drugByName(String theName) {
		return Optional.ofNullable(myDrugsByName.get(normalised(theName)));
	}

	/** A drug by its verified RxNorm ingredient code. */
	public Optional<Drug> drugByRxNorm(String theCode) {
		return Optional.ofNullable(myDrugsByRxNorm.get(theCode.strip()));
	}

	public Optional<Excipient> excipientByName(String theName) {
		return Optional.ofNullable(myExcipientsByName.get(normalised(theName)));
	}

	/**
	 * An inactive ingredient by an RxNorm code of it or of a product that is nothing else (0.9 % saline).
	 * Unlike drugs', recalled (R) codes count: a diluent's code only ever makes an ingredient inactive,
	 * and one that comes with a drug's name is refused as a contradiction.
	 */
	public Optional<Excipient> excipientByRxNorm(String theCode) {
		return Optional.ofNullable(myExcipientsByRxNorm.get(theCode.strip()));
	}

	public List<Strength> strengths(String theDrug) {
		return myStrengths.stream().filter(strength -> strength.drug().equals(theDrug)).toList();
	}

	public Rule rule(String theId) {
		return Optional.ofNullable(myRules.get(theId)).orElseThrow(() -> new IllegalArgumentException("no rule " + theId));
	}

	/** The thresholds on {@code theMeasure} that apply to {@code theDrug}, including those for any drug. */
	public List<Limit> limits(String theDrug, String theMeasure) {
		return myLimits.stream().filter(limit -> limit.measure().equals(theMeasure) && (limit.drug().equals(theDrug) || limit.drug().equals("*")))
				.toList();
	}

	public List<StabilityCap> stability() {
		return myStability;
	}

	public List<PumpModel> pumpModels() {
		return myPumpModels;
	}

	/** A parameter of a pump family, or the one every family shares ({@code *}). */
	public Optional<PumpParameter> pumpParameter(String theFamily, String theParameter) {
		return myPumpParameters.stream().filter(parameter -> parameter.parameter().equals(theParameter))
				.filter(parameter -> parameter.family().equals(theFamily) || parameter.family().equals("*"))
				.min((a, b) -> Boolean.compare(a.family().equals("*"), b.family().equals("*")));
	}

	/**
	 * What a pump family's labelling says of a drug (or of {@code admixture}): one row per rule, since
	 * more than one may speak of the same drug (ziconotide in a Prometra is both PUMP-01 and PUMP-02).
	 */
	public List<PumpLabel> pumpLabels(String theFamily, String theSubject) {
		return myPumpLabels.stream().filter(label -> label.family().equals(theFamily) && label.subject().equals(theSubject)).toList();
	}

	public Optional<Conversion> conversion(String theKind, String theDrug, String theRoute) {
		return myConversions.stream().filter(conversion -> conversion.kind().equals(theKind))
				.filter(conversion -> conversion.drug().equals(theDrug) || conversion.drug().equals("*"))
				.filter(conversion -> conversion.route().equals(theRoute) || conversion.route().equals("*"))
				.findFirst();
	}

	/**
	 * The pump model a Device names: by its model number, else by a model name, whatever the case and
	 * spacing, ® and ™ aside.
	 */
	public Optional<PumpModel> pumpModel(Device thePump) {
		List<String> numbersAndNames = new ArrayList<>();
		if (thePump.hasModelNumber()) {
			numbersAndNames.add(thePump.getModelNumber());
		}
		thePump.getDeviceName().forEach(name -> numbersAndNames.add(name.getName()));
		for (String name : numbersAndNames) {
			String wanted = modelName(name);
			Optional<PumpModel> byNumber = myPumpModels.stream().filter(model -> modelName(model.modelNumber()).equals(wanted)).findFirst();
			// A name alone does not tell a 20 mL from a 40 mL reservoir: the larger bounds the volume check.
			Optional<PumpModel> byName = myPumpModels.stream().filter(model -> modelName(model.model()).equals(wanted))
					.max((a, b) -> a.reservoirMl().compareTo(b.reservoirMl()));
			if (byNumber.or(() -> byName).isPresent()) {
				return byNumber.or(() -> byName);
			}
		}
		return Optional.empty();
	}

	private static String modelName(String theName) {
		return normalised(theName.replace("®", "").replace("™", ""));
	}

	static String normalised(String theName) {
		return theName.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
	}

	private Drug drug(CSVRecord theRow) {
		boolean verified = theRow.get("rxnorm_status").equals("verified");
		return new Drug(theRow.get("drug"), theRow.get("display"), theRow.get("unit"), bool(theRow, "opioid"), bool(theRow, "intrathecal"),
				verified ? Optional.of(TABLES.required(theRow.get("rxnorm"), "verified drug without a code: " + theRow)) : Optional.empty(),
				names(theRow.get("names")), TABLES.citation(theRow));
	}

	private String knownRule(String theRule) {
		if (!myRules.containsKey(theRule)) {
			throw new IllegalStateException("intrathecal knowledge: unknown rule " + theRule);
		}
		return theRule;
	}

	private String knownDrug(String theDrug) {
		if (!myDrugs.containsKey(theDrug)) {
			throw new IllegalStateException("intrathecal knowledge: unknown drug " + theDrug);
		}
		return theDrug;
	}

	private String anyOrKnownDrug(String theDrug) {
		return theDrug.equals("*") ? theDrug : knownDrug(theDrug);
	}

	private Set<String> formulation(String theFormulation) {
		Set<String> drugs = new TreeSet<>(Arrays.asList(theFormulation.split("\\+")));
		drugs.stream().filter(drug -> !drug.equals("*")).forEach(this::knownDrug);
		return drugs;
	}

	private static Severity severity(CSVRecord theRow) {
		return Severity.valueOf(theRow.get("severity"));
	}

	private static List<String> names(String theNames) {
		return Arrays.stream(theNames.split(";")).map(IntrathecalKnowledge::normalised).toList();
	}

	private static boolean bool(CSVRecord theRow, String theColumn) {
		return switch (theRow.get(theColumn)) {
			case "true" -> true;
			case "false" -> false;
			default -> throw TABLES.malformed(theRow, theColumn + " must be true or false");
		};
	}
}
