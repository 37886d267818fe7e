package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openimd.server.pump.PumpPrescription.Active;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Excipient;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Limit;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpLabel;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.StabilityCap;

/**
 * The intrathecal pump prescription checks of OpenIMD's specification ({@code intrathecal-rules.md}):
 * dose and concentration limits, drug stability, pump labelling, and the refill interval with its
 * limiting factors and the refill optimisation (REFILL-02). Thresholds come from
 * {@link IntrathecalKnowledge}; every quantity stays exact until a result is reported.
 */
public class PumpPrescriptionCheck {

	public enum Status { ACCEPT, ACCEPT_WITH_WARNINGS, REJECT }

	/** The terms of the refill interval, in the order the specification reports ties. */
	public enum LimitingFactor {
		VOLUME, STABILITY, DEVICE, ERI;

		public String code() {
			return name().toLowerCase(Locale.ROOT);
		}
	}

	/**
	 * REFILL-02: the lowest concentration of the reference ingredient that gives the longest refill
	 * interval, and whether that interval is the stability or device limit rather than the reservoir.
	 */
	public record Optimization(boolean targetReachable, ExactRatio recommendedConcentration, String unit, int maxFeasibleIntervalDays) {}

	/**
	 * @param dailyVolume mL per day, basal and every allowed bolus
	 * @param ingredientDailyDoses per active ingredient, in its drug's unit per day
	 * @param optimization empty for admixtures, and when no concentration passes the checks
	 */
	public record Result(Status status, List<Finding> findings, ExactRatio dailyVolume, int refillIntervalDays,
			List<LimitingFactor> limitingFactors, Map<Drug, ExactRatio> ingredientDailyDoses, Optional<Optimization> optimization,
			String knowledgeVersion) {}

	private static final String NOT_PERMITTED = "not-permitted";

	private final IntrathecalKnowledge myKnowledge;
	private final PumpFacts myFacts;

	public PumpPrescriptionCheck(IntrathecalKnowledge theKnowledge) {
		myKnowledge = theKnowledge;
		myFacts = new PumpFacts(theKnowledge);
	}

	public Result check(PumpPrescription thePrescription) {
		return check(thePrescription, true);
	}

	private Result check(PumpPrescription thePrescription, boolean theOptimise) {
		List<Finding> findings = new ArrayList<>();
		ExactRatio dailyVolume = thePrescription.totalDailyDose().dividedBy(thePrescription.reference().concentration());
		Map<Drug, ExactRatio> doses = new LinkedHashMap<>();
		for (Active active : thePrescription.actives()) {
			ExactRatio dose = active.concentration().times(dailyVolume);
			doses.put(active.drug(), dose);
			checkDrug(thePrescription, active, dose, findings);
		}
		checkFormulation(thePrescription, findings);
		checkPump(thePrescription, dailyVolume, findings);

		Map<LimitingFactor, Integer> terms = intervalTerms(thePrescription, dailyVolume, findings);
		int interval = terms.values().stream().min(Integer::compare).orElseThrow();
		List<LimitingFactor> limiting = terms.entrySet().stream().filter(term -> term.getValue() == interval).map(Map.Entry::getKey).toList();
		thePrescription.requestedIntervalDays().ifPresent(requested -> checkRequestedInterval(requested, terms, findings));

		Optional<Optimization> optimization = theOptimise && !thePrescription.isAdmixture()
				? optimise(thePrescription, nonVolumeMinimum(terms))
				: Optional.empty();
		return new Result(status(findings), List.copyOf(findings), dailyVolume, interval, limiting, doses, optimization, myKnowledge.version());
	}

	private void checkDrug(PumpPrescription thePrescription, Active theActive, ExactRatio theDose, List<Finding> theFindings) {
		Drug drug = theActive.drug();
		String unit = drug.massUnit();
		for (Limit limit : applicable(thePrescription, drug.id(), "daily-dose")) {
			if (crosses(limit, theDose, value -> PumpUnits.dailyMass(value, limit.unit(), unit, limit.rule()))) {
				theFindings.add(limitFinding(limit, drug, "daily dose " + shown(theDose, unit + "/d"), shown(limit)));
			}
		}
		for (Limit limit : applicable(thePrescription, drug.id(), "concentration")) {
			Function<BigDecimal, ExactRatio> inDrugUnit = value -> PumpUnits.concentration(value, limit.unit(), unit, limit.rule());
			boolean fires = limit.comparison().equals("other-than-undiluted")
					? theActive.concentration().compareTo(inDrugUnit.apply(limit.value().orElseThrow())) != 0
							|| isDiluted(thePrescription, theActive)
					: crosses(limit, theActive.concentration(), inDrugUnit);
			if (fires) {
				String diluted = isDiluted(thePrescription, theActive) ? " (diluted)" : "";
				theFindings.add(limitFinding(limit, drug, "concentration " + shown(theActive.concentration(), unit + "/mL") + diluted, shown(limit)));
			}
		}
		if (thePrescription.isAdmixture()) {
			applicable(thePrescription, drug.id(), "admixture")
					.forEach(limit -> theFindings.add(limitFinding(limit, drug, "in an admixture", "")));
		}
		if (drug.equals(thePrescription.reference().drug())) {
			thePrescription.previousDailyDose().ifPresent(previous -> checkTitration(thePrescription, theActive, theDose, previous, theFindings));
		}
		myKnowledge.pumpLabels(thePrescription.pump().family(), drug.id()).stream().filter(found -> !found.labelling().equals("labelled"))
				.forEach(found -> theFindings.add(finding(found.rule(), Optional.of(drug),
						drug.display() + " is " + found.labelling() + " in " + thePrescription.pump().model())));
	}

	private void checkTitration(PumpPrescription thePrescription, Active theActive, ExactRatio theDose, ExactRatio thePrevious,
			List<Finding> theFindings) {
		Drug drug = theActive.drug();
		ExactRatio step = theDose.minus(thePrevious);
		for (Limit limit : applicable(thePrescription, drug.id(), "titration-step")) {
			if (crosses(limit, step, value -> PumpUnits.dailyMass(value, limit.unit(), drug.massUnit(), limit.rule()))) {
				theFindings.add(limitFinding(limit, drug, "dose increase " + shown(step, drug.massUnit() + "/d"), shown(limit)));
			}
		}
		if (step.signum() > 0) {
			thePrescription.hoursSinceLastIncrease().ifPresent(hours -> {
				for (Limit limit : applicable(thePrescription, drug.id(), "titration-interval")) {
					if (crosses(limit, ExactRatio.of(hours), ExactRatio::of)) {
						theFindings.add(limitFinding(limit, drug, "increase " + hours.toPlainString() + " h after the last one", shown(limit)));
					}
				}
			});
		}
		if (thePrevious.signum() > 0) {
			ExactRatio percent = step.dividedBy(thePrevious).times(new BigDecimal("100"));
			// Without the spasticity's origin both limits apply, and the stricter speaks.
			applicable(thePrescription, drug.id(), "titration-increase").stream()
					.filter(limit -> crosses(limit, percent, ExactRatio::of))
					.min(Comparator.comparing(limit -> limit.value().orElseThrow()))
					.ifPresent(limit -> theFindings.add(limitFinding(limit, drug, "dose increase of " + shown(percent, "%"), shown(limit))));
		}
	}

	private void checkFormulation(PumpPrescription thePrescription, List<Finding> theFindings) {
		for (Excipient excipient : thePrescription.inactives()) {
			if (excipient.isPreservative()) {
				theFindings.add(finding("PUMP-04", Optional.empty(), "contains the preservative " + excipient.names().get(0)));
			}
		}
		thePrescription.ph().ifPresent(ph -> {
			for (Limit limit : myKnowledge.limits("*", "ph")) {
				if (crosses(limit, ExactRatio.of(ph), ExactRatio::of)) {
					theFindings.add(limitFinding(limit, null, "pH " + ph.toPlainString(), "pH " + limit.value().orElseThrow().toPlainString()));
				}
			}
		});
		if (thePrescription.isAdmixture()) {
			myKnowledge.pumpLabels(thePrescription.pump().family(), "admixture").stream().filter(label -> label.labelling().equals(NOT_PERMITTED))
					.forEach(label -> theFindings.add(finding(label.rule(), Optional.empty(),
							"an admixture is not permitted in " + thePrescription.pump().model())));
		}
	}

	private void checkPump(PumpPrescription thePrescription, ExactRatio theDailyVolume, List<Finding> theFindings) {
		String family = thePrescription.pump().family();
		checkAges(thePrescription, theFindings);
		myKnowledge.pumpParameter(family, "minimum-flow").ifPresent(minimum -> {
			if (theDailyVolume.isBelow(minimum.decimal())) {
				theFindings.add(finding(minimum.rule(), Optional.empty(), "daily volume " + shown(theDailyVolume, "mL/d") + " is below the "
						+ thePrescription.pump().model() + " minimum flow of " + minimum.value() + " " + minimum.unit()));
			}
		});
		boolean opioid = thePrescription.actives().stream().anyMatch(active -> active.drug().opioid());
		if (thePrescription.boluses() && opioid && !thePrescription.opioidTolerant()) {
			theFindings.add(finding("PUMP-06", Optional.empty(), "opioid boluses prescribed for an opioid-naive patient"));
		}
		if (thePrescription.mriScheduled()) {
			myKnowledge.pumpParameter(family, "mri-must-empty-reservoir").filter(parameter -> Boolean.parseBoolean(parameter.value()))
					.ifPresent(parameter -> theFindings.add(finding(parameter.rule(), Optional.empty(),
							"MRI scheduled with a " + thePrescription.pump().model() + ": empty the reservoir before the scan")));
		}
	}

	private void checkAges(PumpPrescription thePrescription, List<Finding> theFindings) {
		String family = thePrescription.pump().family();
		Stream<String> subjects = Stream.concat(thePrescription.actives().stream().map(active -> active.drug().id()),
				thePrescription.inactives().stream().map(Excipient::id));
		for (PumpLabel label : subjects.flatMap(subject -> myKnowledge.pumpLabels(family, subject).stream()).toList()) {
			if (label.minimumAge().isEmpty()) {
				continue;
			}
			int minimum = label.minimumAge().get();
			int age = thePrescription.patientAge().orElseThrow(() -> new PumpInputException("patientAge",
					"the patient's age is needed: " + thePrescription.pump().model() + " is labelled for " + label.subject()
							+ " from " + minimum + " years (" + label.rule() + "); give patientAge or a subject with a birthDate"));
			if (age < minimum) {
				theFindings.add(finding(label.rule(), myKnowledge.drug(label.subject()), "patient aged " + age + "; "
						+ thePrescription.pump().model() + " is labelled for " + label.subject() + " from " + minimum + " years"));
			}
		}
	}

	/** Each term of the refill interval in whole days (§3.3); the stability term also reports STAB-UNK, the ERI term PUMP-08. */
	private Map<LimitingFactor, Integer> intervalTerms(PumpPrescription thePrescription, ExactRatio theDailyVolume, List<Finding> theFindings) {
		String family = thePrescription.pump().family();
		ExactRatio usable = usableVolume(thePrescription);
		Map<LimitingFactor, Integer> terms = new EnumMap<>(LimitingFactor.class);
		// A dose so small that the reservoir would last beyond any int of days still lasts longer than the device term.
		terms.put(LimitingFactor.VOLUME, usable.dividedBy(theDailyVolume).floor().min(BigDecimal.valueOf(Integer.MAX_VALUE)).intValueExact());
		terms.put(LimitingFactor.STABILITY, stabilityCap(thePrescription, theFindings));
		terms.put(LimitingFactor.DEVICE, myFacts.parameter(family, "device-interval-ceiling").decimal().intValueExact());
		thePrescription.daysSinceEri().ifPresent(days -> {
			var endOfService = myKnowledge.pumpParameter(family, "eri-to-end-of-service").orElseThrow(() -> new PumpInputException(
					"daysSinceEri", "the time from ERI to end of service is not known for " + thePrescription.pump().model()));
			int left = Math.max(0, endOfService.decimal().intValueExact() - days);
			terms.put(LimitingFactor.ERI, left);
			theFindings.add(finding(endOfService.rule(), Optional.empty(), "pump at ERI for " + days + " days: " + left
					+ " days to end of service; schedule replacement"));
		});
		return terms;
	}

	/** What the pump delivers before its low-reservoir alarm: the reservoir volume less the alarm volume. */
	private ExactRatio usableVolume(PumpPrescription thePrescription) {
		ExactRatio alarm = myFacts.lowReservoirAlarm(thePrescription.pump(), thePrescription.lowReservoirAlarm(), "lowReservoirAlarmVolume");
		ExactRatio usable = thePrescription.reservoirVolume().minus(alarm);
		if (usable.signum() <= 0) {
			throw new PumpInputException("pump", "the reservoir volume " + shown(thePrescription.reservoirVolume(), "mL")
					+ " must exceed the low-reservoir alarm volume " + shown(alarm, "mL"));
		}
		return usable;
	}

	private void checkRequestedInterval(BigDecimal theRequested, Map<LimitingFactor, Integer> theTerms, List<Finding> theFindings) {
		int stability = theTerms.get(LimitingFactor.STABILITY);
		if (theRequested.compareTo(BigDecimal.valueOf(stability)) > 0) {
			theFindings.add(finding("STAB-01", Optional.empty(), "requested refill interval " + theRequested.toPlainString()
					+ " d exceeds the " + stability + " d the formulation is stable"));
		}
		int others = theTerms.entrySet().stream().filter(term -> term.getKey() != LimitingFactor.STABILITY).mapToInt(Map.Entry::getValue)
				.min().orElseThrow();
		if (theRequested.compareTo(BigDecimal.valueOf(others)) > 0) {
			theFindings.add(finding("REFILL-01", Optional.empty(), "requested refill interval " + theRequested.toPlainString()
					+ " d exceeds the latest allowed refill of " + others + " d"));
		}
	}

	/** STAB-CAP (§2): the formulation's own entry, else ziconotide's admixture entry, else the components' minimum. */
	private int stabilityCap(PumpPrescription thePrescription, List<Finding> theFindings) {
		Set<String> drugs = thePrescription.actives().stream().map(active -> active.drug().id()).collect(Collectors.toCollection(TreeSet::new));
		String preparation = drugs.equals(Set.of("ziconotide"))
				? thePrescription.firstFillOfNaivePump() ? "first-fill" : isDiluted(thePrescription, thePrescription.reference()) ? "diluted" : "undiluted"
				: "any";
		Optional<StabilityCap> own = entry(drugs, preparation);
		if (own.isPresent()) {
			return own.get().days().orElseGet(() -> componentMinimum(drugs).orElseThrow());
		}
		if (drugs.contains("ziconotide")) {
			return entry(Set.of("*", "ziconotide"), "any").flatMap(StabilityCap::days).orElseThrow();
		}
		theFindings.add(finding("STAB-UNK", Optional.empty(), "no stability entry for " + String.join(" + ", drugs)));
		return componentMinimum(drugs).orElseGet(() -> entry(Set.of("*"), "unlisted").flatMap(StabilityCap::days).orElseThrow());
	}

	private Optional<StabilityCap> entry(Set<String> theDrugs, String thePreparation) {
		return myKnowledge.stability().stream().filter(cap -> cap.drugs().equals(theDrugs))
				.filter(cap -> cap.preparation().equals(thePreparation) || cap.preparation().equals("any")
						|| cap.preparation().equals("component-minimum"))
				.findFirst();
	}

	private Optional<Integer> componentMinimum(Set<String> theDrugs) {
		return theDrugs.stream().flatMap(drug -> entry(Set.of(drug), "any").flatMap(StabilityCap::days).stream()).min(Integer::compare);
	}

	/** A preparation is diluted when it lists a diluent, or when its concentration is no commercial strength. */
	private boolean isDiluted(PumpPrescription thePrescription, Active theActive) {
		return thePrescription.inactives().stream().anyMatch(Excipient::isDiluent) || !isCommercialStrength(theActive.drug(), theActive.concentration());
	}

	private boolean isCommercialStrength(Drug theDrug, ExactRatio theConcentration) {
		return myKnowledge.strengths(theDrug.id()).stream().anyMatch(strength -> PumpUnits.concentration(strength.value(),
				strength.unit(), theDrug.massUnit(), "strengths").compareTo(theConcentration) == 0);
	}

	/**
	 * REFILL-02. Candidates are the lowest concentration that reaches {@code theTarget} days (rounded up
	 * to the data's step), each commercial pump strength (undiluted), and the hard maximum
	 * concentration; each goes through every check, those rejected drop out, and the longest interval
	 * wins, ties to the lower concentration.
	 */
	private Optional<Optimization> optimise(PumpPrescription thePrescription, int theTarget) {
		Drug drug = thePrescription.reference().drug();
		String family = thePrescription.pump().family();
		ExactRatio usable = usableVolume(thePrescription);
		BigDecimal step = myFacts.parameter(family, "optimization-rounding").decimal();
		// Compared by value, so that 25 and 25.00 are one candidate.
		Set<BigDecimal> candidates = new TreeSet<>();
		candidates.add(thePrescription.totalDailyDose().times(BigDecimal.valueOf(theTarget)).dividedBy(usable).roundedUpTo(step));
		myKnowledge.strengths(drug.id()).stream().filter(strength -> strength.use().equals("pump"))
				.forEach(strength -> candidates.add(PumpUnits.concentration(strength.value(), strength.unit(), drug.massUnit(), "strengths")
						.toDecimal()));
		myKnowledge.limits(drug.id(), "concentration").stream().filter(limit -> limit.rule().equals("CONC-01"))
				.forEach(limit -> candidates.add(PumpUnits.concentration(limit.value().orElseThrow(), limit.unit(), drug.massUnit(),
						limit.rule()).toDecimal()));
		List<Excipient> withoutDiluent = thePrescription.inactives().stream().filter(excipient -> !excipient.isDiluent()).toList();
		List<Excipient> diluted = thePrescription.inactives().stream().anyMatch(Excipient::isDiluent)
				? thePrescription.inactives()
				: Stream.concat(thePrescription.inactives().stream(), myKnowledge.excipientByName("sodium chloride").stream()).toList();
		record Candidate(ExactRatio concentration, Result result) {}
		List<Candidate> passing = new ArrayList<>();
		for (BigDecimal value : candidates) {
			ExactRatio concentration = ExactRatio.of(value);
			if (concentration.signum() <= 0) {
				continue;
			}
			boolean commercial = isCommercialStrength(drug, concentration);
			try {
				Result result = check(thePrescription.withConcentration(concentration, commercial ? withoutDiluent : diluted), false);
				if (result.status() != Status.REJECT) {
					passing.add(new Candidate(concentration, result));
				}
			} catch (PumpInputException uncheckable) {
				// A candidate the input cannot vouch for (a diluent whose labelling needs an age not given) is no candidate.
			}
		}
		return passing.stream()
				.max(Comparator.comparingInt((Candidate candidate) -> candidate.result().refillIntervalDays())
						.thenComparing(Candidate::concentration, Comparator.reverseOrder()))
				.map(best -> new Optimization(!best.result().limitingFactors().equals(List.of(LimitingFactor.VOLUME)), best.concentration(),
						drug.massUnit() + "/mL", best.result().refillIntervalDays()));
	}

	private static int nonVolumeMinimum(Map<LimitingFactor, Integer> theTerms) {
		return theTerms.entrySet().stream().filter(term -> term.getKey() != LimitingFactor.VOLUME).mapToInt(Map.Entry::getValue).min()
				.orElseThrow();
	}

	private List<Limit> applicable(PumpPrescription thePrescription, String theDrug, String theMeasure) {
		return myKnowledge.limits(theDrug, theMeasure).stream().filter(limit -> applies(limit.condition(), thePrescription)).toList();
	}

	private static boolean applies(String theCondition, PumpPrescription thePrescription) {
		if (theCondition.startsWith("pump=")) {
			return thePrescription.pump().family().equals(theCondition.substring("pump=".length()));
		}
		return switch (theCondition) {
			case "" -> true;
			case "initiation" -> thePrescription.initiation();
			case "first-fill" -> thePrescription.firstFillOfNaivePump();
			// Without the origin of the spasticity, both titration limits apply: the stricter decides.
			case "spinal", "cerebral" -> thePrescription.spasticityOrigin().map(theCondition::equals).orElse(true);
			default -> throw new IllegalStateException("unknown condition in the intrathecal limits: " + theCondition);
		};
	}

	/** Whether {@code theValue} crosses the limit, whose numbers {@code theInValueUnit} converts to the value's unit. */
	private static boolean crosses(Limit theLimit, ExactRatio theValue, Function<BigDecimal, ExactRatio> theInValueUnit) {
		Optional<ExactRatio> threshold = theLimit.value().map(theInValueUnit);
		return switch (theLimit.comparison()) {
			case "above" -> theValue.compareTo(threshold.orElseThrow()) > 0
					&& theLimit.upTo().map(theInValueUnit).map(top -> theValue.compareTo(top) <= 0).orElse(true);
			case "below" -> theValue.compareTo(threshold.orElseThrow()) < 0;
			case "at-most" -> theValue.compareTo(threshold.orElseThrow()) <= 0;
			case "present" -> true;
			default -> throw new IllegalStateException("unknown comparison in the intrathecal limits: " + theLimit.comparison());
		};
	}

	private Finding limitFinding(Limit theLimit, Drug theDrug, String theMeasured, String theThreshold) {
		String subject = theDrug == null ? "" : theDrug.display() + " ";
		String limit = theThreshold.isEmpty() ? "" : " (limit " + theThreshold + ")";
		return new Finding(theLimit.rule(), theLimit.severity(),
				subject + theMeasured + limit + ": " + myKnowledge.rule(theLimit.rule()).summary() + " " + theLimit.citation(),
				Optional.ofNullable(theDrug), theLimit.citation());
	}

	private Finding finding(String theRule, Optional<Drug> theDrug, String theDetail) {
		return Finding.of(myKnowledge, theRule, theDrug, theDetail);
	}


	private static Status status(List<Finding> theFindings) {
		if (theFindings.stream().anyMatch(finding -> finding.severity() == Severity.REJECT)) {
			return Status.REJECT;
		}
		return theFindings.stream().anyMatch(finding -> finding.severity() == Severity.WARN) ? Status.ACCEPT_WITH_WARNINGS : Status.ACCEPT;
	}

	private static String shown(ExactRatio theValue, String theUnit) {
		return theValue.toDecimal().toPlainString() + " " + theUnit;
	}

	private static String shown(Limit theLimit) {
		return theLimit.value().orElseThrow().toPlainString() + " " + theLimit.unit()
				+ theLimit.upTo().map(top -> " to " + top.toPlainString() + " " + theLimit.unit()).orElse("");
	}
}
