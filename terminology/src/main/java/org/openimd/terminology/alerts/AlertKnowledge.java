package org.openimd.terminology.alerts;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Type;
import org.openimd.terminology.KnowledgeTables;
import org.openimd.terminology.KnowledgeTables.Citation;

/**
 * The alert rules remote monitoring judges each transmission by, as data (this folder's README says
 * how to read them): which terms a rule reads, how (out of a range, past a threshold, changed since
 * the previous interrogation, a count that grew, a status the device declares), for which devices, at
 * which priority, and every number with its source. A parameter the sources give no number for has no
 * value here: the part of the rule that needs it stays off until a clinic sets one.
 */
public final class AlertKnowledge {

	/** How a rule reads its terms. */
	public enum Kind {
		/** a value below {@code low} or above {@code high} */
		RANGE,
		/** a value past one limit ({@code above}, {@code below}, {@code at-least-per-day}) */
		THRESHOLD,
		/** a value changed since the previous interrogation of the device by more than a parameter */
		DELTA,
		/** a counter of delivered therapies that grew since the previous interrogation */
		COUNT,
		/** a new episode of a kind the rule's values name */
		EVENT,
		/** at least {@code count} new episodes of a kind the rule's values name {@code within} a time span */
		CLUSTER,
		/** a status the device declares, one of the rule's values */
		STATUS
	}

	/** red: act today; yellow: act within days; info: no alert, shown with the report. */
	public enum Priority {
		RED,
		YELLOW,
		INFO
	}

	/**
	 * @param devices device kinds ({@code PM}, {@code ICD}, {@code CRT-P}, {@code CRT-D}, {@code ILR}) or pump families
	 * @param terms the IDCO codes (or pump telemetry codes) the rule reads
	 * @param projectDecision whether the priority is the project's decision rather than a source's
	 */
	public record Rule(String id, String alert, List<String> devices, Kind kind, List<String> terms, Priority priority, boolean projectDecision,
			Citation citation) {}

	/** A number a rule compares with; empty when no source gives one. */
	public record Parameter(String rule, String name, Optional<BigDecimal> value, String unit, Citation citation) {}

	/**
	 * A value a STATUS or EVENT rule looks for in a term: an enumeration code ({@code code}), or a
	 * word of the text a vendor sends where the standard's enumeration is missing ({@code text}).
	 */
	public record Value(String rule, String term, String match, String value, Citation citation) {}

	/**
	 * The longest a device may go without a check, by device kind ({@code PM} … {@code ILR}) or
	 * {@code battery-depletion} once its battery is at RRT/ERI: the minimum frequency of remote or
	 * in-person monitoring, whose upper bound is the next transmission's due date.
	 */
	public record Schedule(String device, int months, Citation citation) {}

	/**
	 * A remote monitoring period by device kind: how long it lasts, the CPT codes billed once per period
	 * for its interpretation ({@code professional}) and data acquisition ({@code technical}, none where
	 * no verified source names one), and the least monitoring it must hold to be reported.
	 */
	public record MonitoringPeriod(String device, int days, String professional, Optional<String> technical, Optional<Integer> minimumDays,
			Citation citation) {}

	private static final KnowledgeTables TABLES = new KnowledgeTables(AlertKnowledge.class, "alert rules", Set.of("V", "M", "P"));
	private static final Set<String> MATCHES = Set.of("code", "text");

	private final String myVersion;
	private final Map<String, Rule> myRules;
	private final List<Parameter> myParameters;
	private final List<Value> myValues;
	private final Map<String, Schedule> mySchedules;
	private final Map<String, MonitoringPeriod> myPeriods;

	private AlertKnowledge() {
		myVersion = TABLES.required(TABLES.properties("catalogue.properties").getProperty("version"), "catalogue.properties has no version");
		myRules = TABLES.index(TABLES.rows("rules.csv").stream().map(AlertKnowledge::rule).toList(), Rule::id);
		myParameters = TABLES.rows("parameters.csv").stream().map(row -> new Parameter(knownRule(row), row.get("parameter"),
				TABLES.optionalDecimal(row, "value"), row.get("unit"), TABLES.citation(row))).toList();
		myValues = TABLES.rows("values.csv").stream().map(row -> {
			if (!MATCHES.contains(row.get("match"))) {
				throw TABLES.malformed(row, "match must be code or text");
			}
			return new Value(knownRule(row), row.get("term"), row.get("match"), TABLES.required(row.get("value"), "a value row without a value"),
					TABLES.citation(row));
		}).toList();
		mySchedules = TABLES.index(TABLES.rows("schedules.csv").stream().map(row -> {
			if (!row.get("unit").equals("mo")) {
				throw TABLES.malformed(row, "schedules are in months (mo)");
			}
			return new Schedule(row.get("device"), TABLES.decimal(row, "interval").intValueExact(), TABLES.citation(row));
		}).toList(), Schedule::device);
		myPeriods = TABLES.index(TABLES.rows("monitoring-periods.csv").stream().map(row -> new MonitoringPeriod(row.get("device"),
				TABLES.decimal(row, "period_days").intValueExact(), TABLES.required(row.get("professional"), "a period without its professional code"),
				Optional.of(row.get("technical")).filter(code -> !code.isEmpty()),
				TABLES.optionalDecimal(row, "minimum_days").map(days -> days.intValueExact()), TABLES.citation(row))).toList(),
				MonitoringPeriod::device);
		for (Value value : myValues) {
			if (!myRules.get(value.rule()).terms().contains(value.term())) {
				throw new IllegalStateException("alert rules: " + value.rule() + " does not read the term " + value.term() + " its values name");
			}
		}
	}

	private static final class Holder {
		static final AlertKnowledge INSTANCE = new AlertKnowledge();
	}

	/** The rules shipped in this module, read and checked once. */
	public static AlertKnowledge load() {
		return Holder.INSTANCE;
	}

	/** The version of the rules, recorded with every alert. */
	public String version() {
		return myVersion;
	}

	public List<Rule> rules() {
		return List.copyOf(myRules.values());
	}

	public Optional<Rule> rule(String theId) {
		return Optional.ofNullable(myRules.get(theId));
	}

	public Optional<Parameter> parameter(String theRule, String theName) {
		return myParameters.stream().filter(parameter -> parameter.rule().equals(theRule) && parameter.name().equals(theName)).findFirst();
	}

	public List<Parameter> parameters(String theRule) {
		return myParameters.stream().filter(parameter -> parameter.rule().equals(theRule)).toList();
	}

	/** The remote monitoring period of a device kind ({@code PM} … {@code ILR}). */
	public Optional<MonitoringPeriod> monitoringPeriod(String theDevice) {
		return Optional.ofNullable(myPeriods.get(theDevice));
	}

	/** The transmission schedule of a device kind, or of {@code battery-depletion}. */
	public Optional<Schedule> schedule(String theDevice) {
		return Optional.ofNullable(mySchedules.get(theDevice));
	}

	public List<Value> values(String theRule) {
		return myValues.stream().filter(value -> value.rule().equals(theRule)).toList();
	}

	/**
	 * Whether a reading of {@code theTerm} holds one of the values {@code theRule} looks for: one of its
	 * enumeration codes, or a whole word of the text a vendor sent ("Epis_VT-1" holds VT, "Epis_SVT" does not).
	 */
	public boolean holds(String theRule, String theTerm, Type theValue) {
		return values(theRule).stream().filter(value -> value.term().equals(theTerm)).anyMatch(value ->
				value.match().equals("code") ? codes(theValue).contains(value.value()) : words(theValue).contains(value.value().toUpperCase(Locale.ROOT)));
	}

	/** The codes of a coded reading; none for any other. */
	public static Set<String> codes(Type theValue) {
		return theValue instanceof CodeableConcept concept ? concept.getCoding().stream().map(Coding::getCode).collect(Collectors.toSet()) : Set.of();
	}

	/** What a reading says as text: a coded one's codes, displays and text; a primitive's value. */
	public static String text(Type theValue) {
		if (theValue instanceof CodeableConcept concept) {
			return concept.getCoding().stream().map(coding -> coding.getCode() + " " + (coding.hasDisplay() ? coding.getDisplay() : ""))
					.collect(Collectors.joining(" ")) + " " + (concept.hasText() ? concept.getText() : "");
		}
		return theValue instanceof PrimitiveType<?> primitive && primitive.hasValue() ? primitive.getValueAsString() : "";
	}

	/** The words of what a reading says, upper case: "Epis_VT-1" is EPIS, VT and 1. */
	public static Set<String> words(Type theValue) {
		return Arrays.stream(text(theValue).toUpperCase(Locale.ROOT).split("[^A-Z0-9]+")).filter(word -> !word.isEmpty()).collect(Collectors.toSet());
	}

	private static Rule rule(CSVRecord theRow) {
		Priority priority;
		Kind kind;
		try {
			priority = Priority.valueOf(theRow.get("priority").toUpperCase(Locale.ROOT));
			kind = Kind.valueOf(theRow.get("kind"));
		} catch (IllegalArgumentException e) {
			throw TABLES.malformed(theRow, "unknown priority or kind: " + e.getMessage());
		}
		String basis = theRow.get("priority_basis");
		if (!basis.equals("source") && !basis.equals("project decision")) {
			throw TABLES.malformed(theRow, "priority_basis must be source or project decision");
		}
		return new Rule(theRow.get("rule"), theRow.get("alert"), list(theRow.get("devices")), kind, list(theRow.get("terms")), priority,
				basis.equals("project decision"), TABLES.citation(theRow));
	}

	private String knownRule(CSVRecord theRow) {
		String rule = theRow.get("rule");
		if (!myRules.containsKey(rule)) {
			throw TABLES.malformed(theRow, "unknown rule " + rule);
		}
		return rule;
	}

	private static List<String> list(String theValues) {
		return Arrays.stream(theValues.split(";")).map(String::strip).filter(value -> !value.isEmpty()).toList();
	}
}
