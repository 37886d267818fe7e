package org.openimd.server.alerts;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.alerts.Transmission.Reading;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.openimd.terminology.alerts.AlertKnowledge.Parameter;
import org.openimd.terminology.alerts.AlertKnowledge.Priority;
import org.openimd.terminology.alerts.AlertKnowledge.Rule;

/**
 * Judges a transmission by every alert rule that applies to its device: pure, so that each rule can
 * be tested at its limits. A parameter's value is the clinic's where it set one ({@code rule.parameter}
 * in any case, e.g. {@code alert-lead-01.high}), else the rules' default; without either, the part of
 * the rule that needs it says nothing.
 */
final class AlertJudge {

	/**
	 * One alert: the rule, its priority, what was found, the readings it rests on (the first the one
	 * judged), and which way its value would be worse.
	 */
	record Alert(Rule rule, Priority priority, String detail, List<Reading> evidence, Worse worse) {}

	/** Which way a value is worse: the same condition raised again only when it moved that way. */
	enum Worse {
		HIGHER,
		LOWER,
		/** a status or an event: no worse, only different */
		NEVER
	}

	private static final String INDUCED = "739584";
	private static final String EPISODE_ID = "739536";
	private static final String EPISODE_TIME = "739552";
	private static final String CHARGE_TIME = "721728";
	private static final String CHARGE_TYPE = "721856";
	private static final String SHOCK_CHARGE = "754177";
	private static final String AT_WINDOW_START = "737665";
	private static final String AT_WINDOW_END = "737666";
	private static final BigDecimal HOURS_PER_DAY = BigDecimal.valueOf(24);
	private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

	private final AlertKnowledge myKnowledge;
	private final Map<String, BigDecimal> myClinicParameters;

	AlertJudge(AlertKnowledge theKnowledge, Map<String, BigDecimal> theClinicParameters) {
		myKnowledge = theKnowledge;
		// Spring keeps a key's case only in brackets ([ALERT-LEAD-01.high]): rule ids are compared without it.
		myClinicParameters = theClinicParameters.entrySet().stream()
				.collect(Collectors.toUnmodifiableMap(entry -> entry.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue));
	}

	List<Alert> judge(Transmission theTransmission) {
		List<Alert> alerts = new ArrayList<>();
		for (Rule rule : myKnowledge.rules()) {
			if (theTransmission.deviceKind().isPresent() && !rule.devices().contains(theTransmission.deviceKind().get())) {
				continue;
			}
			List<Reading> read = theTransmission.readings().stream().filter(reading -> rule.terms().contains(reading.code())).toList();
			switch (rule.kind()) {
				case RANGE -> range(rule, read, alerts);
				case THRESHOLD -> threshold(rule, read, theTransmission, alerts);
				case DELTA -> delta(rule, read, theTransmission.previous(), alerts);
				case COUNT -> count(rule, theTransmission, alerts);
				case EVENT -> event(rule, theTransmission, alerts);
				case CLUSTER -> cluster(rule, theTransmission, alerts);
				case STATUS -> status(rule, read, alerts);
			}
		}
		return alerts;
	}

	private void range(Rule theRule, List<Reading> theReadings, List<Alert> theAlerts) {
		Optional<BigDecimal> low = value(theRule, "low");
		Optional<BigDecimal> high = value(theRule, "high");
		for (Reading reading : theReadings) {
			quantity(reading, unit(theRule, "low")).ifPresent(value -> {
				if (low.isPresent() && value.compareTo(low.get()) < 0) {
					theAlerts.add(alert(theRule, reading, shown(reading) + " below " + low.get().toPlainString() + " " + unit(theRule, "low"), Worse.LOWER));
				} else if (high.isPresent() && value.compareTo(high.get()) > 0) {
					theAlerts.add(alert(theRule, reading, shown(reading) + " above " + high.get().toPlainString() + " " + unit(theRule, "high"),
							Worse.HIGHER));
				}
			});
		}
	}

	private void threshold(Rule theRule, List<Reading> theReadings, Transmission theTransmission, List<Alert> theAlerts) {
		for (Parameter parameter : myKnowledge.parameters(theRule.id())) {
			Optional<BigDecimal> limit = value(theRule, parameter.name());
			if (limit.isEmpty()) {
				continue;
			}
			for (Reading reading : theReadings) {
				switch (parameter.name()) {
					case "above" -> {
						if (reading.code().equals(CHARGE_TIME) && !shockChargeOrUnsaid(theTransmission)) {
							continue;
						}
						quantity(reading, parameter.unit()).filter(value -> value.compareTo(limit.get()) > 0).ifPresent(value -> theAlerts.add(
								alert(theRule, reading, shown(reading) + " above " + limit.get().toPlainString() + " " + parameter.unit(), Worse.HIGHER)));
					}
					case "below" -> quantity(reading, parameter.unit()).filter(value -> value.compareTo(limit.get()) < 0).ifPresent(value ->
							theAlerts.add(alert(theRule, reading, shown(reading) + " below " + limit.get().toPlainString() + " " + parameter.unit(),
									Worse.LOWER)));
					case "at-least-per-day" -> hoursInOneDay(reading, theTransmission).filter(hours -> hours.compareTo(limit.get()) >= 0)
							.ifPresent(hours -> theAlerts.add(alert(theRule, reading, shown(reading) + " of one day: "
									+ hours.round(new MathContext(3)).stripTrailingZeros().toPlainString() + " h, at least "
									+ limit.get().toPlainString() + " h", Worse.HIGHER)));
					default -> throw new IllegalStateException(theRule.id() + " has a threshold the judge does not know: " + parameter.name());
				}
			}
		}
	}

	/**
	 * A burden percentage in hours, when its statistics window is one day or less: a longer window's
	 * average cannot show a single day above the limit.
	 */
	private static Optional<BigDecimal> hoursInOneDay(Reading theBurden, Transmission theTransmission) {
		Optional<DateTimeType> start = time(theTransmission, AT_WINDOW_START);
		Optional<DateTimeType> end = time(theTransmission, AT_WINDOW_END);
		Optional<BigDecimal> percent = quantity(theBurden, "%");
		if (start.isEmpty() || end.isEmpty() || percent.isEmpty()) {
			return Optional.empty();
		}
		Duration window = Duration.between(start.get().getValue().toInstant(), end.get().getValue().toInstant());
		if (window.isNegative() || window.isZero() || window.compareTo(Duration.ofDays(1)) > 0) {
			return Optional.empty();
		}
		BigDecimal windowHours = BigDecimal.valueOf(window.toMinutes()).divide(BigDecimal.valueOf(60), MathContext.DECIMAL64);
		return Optional.of(percent.get().multiply(windowHours).divide(HUNDRED, MathContext.DECIMAL64).min(HOURS_PER_DAY));
	}

	private static Optional<DateTimeType> time(Transmission theTransmission, String theCode) {
		return theTransmission.readings().stream().filter(reading -> reading.code().equals(theCode)).map(Reading::value)
				.filter(DateTimeType.class::isInstance).map(DateTimeType.class::cast).findFirst();
	}

	/** A capacitor's charge time counts when its charge was for a shock, or the transmission does not say what it was for. */
	private static boolean shockChargeOrUnsaid(Transmission theTransmission) {
		return theTransmission.readings().stream().filter(reading -> reading.code().equals(CHARGE_TYPE))
				.allMatch(reading -> AlertKnowledge.codes(reading.value()).contains(SHOCK_CHARGE));
	}

	private void delta(Rule theRule, List<Reading> theReadings, List<Reading> thePrevious, List<Alert> theAlerts) {
		for (Parameter parameter : myKnowledge.parameters(theRule.id())) {
			Optional<BigDecimal> limit = value(theRule, parameter.name());
			if (limit.isEmpty()) {
				continue;
			}
			for (Reading reading : theReadings) {
				Optional<BigDecimal> now = quantity(reading, null);
				Optional<BigDecimal> before = thePrevious.stream().filter(previous -> previous.code().equals(reading.code())
						&& previous.instance() == reading.instance()).findFirst().flatMap(previous -> quantity(previous, null));
				if (now.isEmpty() || before.isEmpty()) {
					continue;
				}
				BigDecimal change = now.get().subtract(before.get());
				boolean past = switch (parameter.name()) {
					case "relative-change" -> before.get().signum() != 0
							&& change.abs().multiply(HUNDRED).divide(before.get().abs(), MathContext.DECIMAL64).compareTo(limit.get()) > 0;
					case "rise" -> change.compareTo(limit.get()) > 0;
					case "drop" -> change.negate().compareTo(limit.get()) > 0;
					default -> throw new IllegalStateException(theRule.id() + " has a change the judge does not know: " + parameter.name());
				};
				if (past) {
					Worse worse = switch (parameter.name()) {
						case "rise" -> Worse.HIGHER;
						case "drop" -> Worse.LOWER;
						default -> change.signum() > 0 ? Worse.HIGHER : Worse.LOWER;
					};
					theAlerts.add(alert(theRule, reading, shown(reading) + ", " + before.get().toPlainString() + " at the previous interrogation", worse));
				}
			}
		}
	}

	/**
	 * The first term is the device's running total, the second its count since a reset the device
	 * chooses: what is new is the total's growth since the previous transmission, or, without one to
	 * compare with, the recent count.
	 */
	private static void count(Rule theRule, Transmission theTransmission, List<Alert> theAlerts) {
		Optional<Reading> total = single(theTransmission.readings(), theRule.terms().get(0));
		Optional<BigDecimal> totalNow = total.flatMap(reading -> quantity(reading, null));
		Optional<BigDecimal> totalBefore = single(theTransmission.previous(), theRule.terms().get(0)).flatMap(reading -> quantity(reading, null));
		Optional<Reading> evidence;
		Optional<BigDecimal> delivered;
		if (totalNow.isPresent() && totalBefore.isPresent()) {
			evidence = total;
			delivered = Optional.of(totalNow.get().subtract(totalBefore.get()));
		} else {
			evidence = single(theTransmission.readings(), theRule.terms().get(1));
			delivered = evidence.flatMap(reading -> quantity(reading, null));
		}
		delivered.filter(number -> number.signum() > 0).ifPresent(number -> theAlerts.add(new Alert(theRule, theRule.priority(),
				number.stripTrailingZeros().toPlainString() + " new since the previous interrogation (" + shown(evidence.get()) + ")",
				List.of(evidence.get()), Worse.NEVER)));
	}

	/** Each new episode whose type the rule names. */
	private void event(Rule theRule, Transmission theTransmission, List<Alert> theAlerts) {
		for (List<Reading> episode : newEpisodes(theRule, theTransmission)) {
			List<Reading> types = episode.stream().filter(reading -> theRule.terms().contains(reading.code())).toList();
			theAlerts.add(new Alert(theRule, theRule.priority(), "episode " + episode.get(0).instance() + ": " + types.stream().map(AlertJudge::shown)
					.collect(Collectors.joining(", ")), episode, Worse.NEVER));
		}
	}

	/** At least {@code count} new episodes whose type the rule names, their starts no more than {@code within} hours apart. */
	private void cluster(Rule theRule, Transmission theTransmission, List<Alert> theAlerts) {
		Optional<BigDecimal> count = value(theRule, "count");
		Optional<BigDecimal> within = value(theRule, "within");
		if (count.isEmpty() || within.isEmpty()) {
			return;
		}
		List<List<Reading>> timed = newEpisodes(theRule, theTransmission).stream().filter(episode -> start(episode).isPresent())
				.sorted(Comparator.comparing(episode -> start(episode).orElseThrow())).toList();
		int needed = count.get().intValueExact();
		Duration span = Duration.ofMinutes(within.get().multiply(BigDecimal.valueOf(60)).longValueExact());
		for (int first = 0; first + needed <= timed.size(); first++) {
			List<List<Reading>> run = timed.subList(first, first + needed);
			if (Duration.between(start(run.get(0)).orElseThrow(), start(run.get(needed - 1)).orElseThrow()).compareTo(span) <= 0) {
				theAlerts.add(new Alert(theRule, theRule.priority(), needed + " episodes within " + within.get().toPlainString() + " h: "
						+ run.stream().map(episode -> "episode " + episode.get(0).instance() + " at " + start(episode).orElseThrow())
								.collect(Collectors.joining(", ")), run.stream().flatMap(List::stream).toList(), Worse.NEVER));
				return;
			}
		}
	}

	private static Optional<Instant> start(List<Reading> theEpisode) {
		return theEpisode.stream().filter(reading -> reading.code().equals(EPISODE_TIME)).map(Reading::value).filter(DateTimeType.class::isInstance)
				.map(value -> ((DateTimeType) value).getValue().toInstant()).findFirst();
	}

	/**
	 * The episodes (the readings of one instance) whose type the rule names: not induced, and not in the
	 * previous transmission already (the same episode id and time).
	 */
	private List<List<Reading>> newEpisodes(Rule theRule, Transmission theTransmission) {
		Set<String> seen = episodeKeys(theTransmission.previous());
		Set<Integer> episodes = theTransmission.readings().stream().filter(reading -> theRule.terms().contains(reading.code()) && matches(theRule, reading))
				.map(Reading::instance).collect(Collectors.toCollection(TreeSet::new));
		List<List<Reading>> fresh = new ArrayList<>();
		for (int episode : episodes) {
			List<Reading> of = theTransmission.readings().stream().filter(reading -> reading.instance() == episode).toList();
			boolean induced = of.stream().anyMatch(reading -> reading.code().equals(INDUCED) && reading.value() instanceof BooleanType yes
					&& yes.booleanValue());
			if (!induced && !seen.contains(episodeKey(of))) {
				fresh.add(of);
			}
		}
		return fresh;
	}

	private static Set<String> episodeKeys(List<Reading> theReadings) {
		return theReadings.stream().map(Reading::instance).distinct()
				.map(instance -> episodeKey(theReadings.stream().filter(reading -> reading.instance() == instance).toList()))
				.filter(key -> !key.isEmpty()).collect(Collectors.toSet());
	}

	private static String episodeKey(List<Reading> theEpisode) {
		String id = theEpisode.stream().filter(reading -> reading.code().equals(EPISODE_ID)).map(AlertJudge::text).findFirst().orElse("");
		String time = theEpisode.stream().filter(reading -> reading.code().equals(EPISODE_TIME)).map(AlertJudge::text).findFirst().orElse("");
		return id.isEmpty() ? "" : id + "@" + time;
	}

	private void status(Rule theRule, List<Reading> theReadings, List<Alert> theAlerts) {
		theReadings.stream().filter(reading -> matches(theRule, reading))
				.forEach(reading -> theAlerts.add(alert(theRule, reading, shown(reading), Worse.NEVER)));
	}

	private boolean matches(Rule theRule, Reading theReading) {
		return myKnowledge.holds(theRule.id(), theReading.code(), theReading.value());
	}

	private static String text(Reading theReading) {
		return AlertKnowledge.text(theReading.value());
	}

	private static Optional<Reading> single(List<Reading> theReadings, String theCode) {
		return theReadings.stream().filter(reading -> reading.code().equals(theCode)).findFirst();
	}

	/** The reading's number, when it is a quantity in {@code theUnit} (any unit when null). */
	private static Optional<BigDecimal> quantity(Reading theReading, String theUnit) {
		if (!(theReading.value() instanceof Quantity quantity) || !quantity.hasValue()) {
			return Optional.empty();
		}
		String unit = quantity.hasCode() ? quantity.getCode() : quantity.getUnit();
		return theUnit == null || theUnit.equals(unit) ? Optional.of(quantity.getValue()) : Optional.empty();
	}

	private Optional<BigDecimal> value(Rule theRule, String theParameter) {
		return Optional.ofNullable(myClinicParameters.get((theRule.id() + "." + theParameter).toLowerCase(Locale.ROOT)))
				.or(() -> myKnowledge.parameter(theRule.id(), theParameter).flatMap(Parameter::value));
	}

	private String unit(Rule theRule, String theParameter) {
		return myKnowledge.parameter(theRule.id(), theParameter).map(Parameter::unit).orElse("");
	}

	private static Alert alert(Rule theRule, Reading theReading, String theDetail, Worse theWorse) {
		return new Alert(theRule, theRule.priority(), theDetail, List.of(theReading), theWorse);
	}

	private static String shown(Reading theReading) {
		String what = theReading.code() + (theReading.instance() == 0 ? "" : " (" + theReading.instance() + ")");
		if (theReading.value() instanceof Quantity quantity && quantity.hasValue()) {
			return what + " " + quantity.getValue().toPlainString() + " " + (quantity.hasCode() ? quantity.getCode() : quantity.getUnit());
		}
		Type value = theReading.value();
		String shown = value instanceof CodeableConcept concept ? (concept.hasText() ? concept.getText()
				: concept.getCodingFirstRep().hasDisplay() ? concept.getCodingFirstRep().getDisplay() : concept.getCodingFirstRep().getCode())
				: AlertKnowledge.text(value);
		return what + " " + shown;
	}
}
