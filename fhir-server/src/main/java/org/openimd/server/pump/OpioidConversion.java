package org.openimd.server.pump;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Conversion;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;

/**
 * The opioid conversion calculator of the specification (§4): systemic opioids to oral morphine
 * milligram equivalents with the CDC 2022 factors, morphine between routes at 300 : 100 : 10 : 1,
 * intrathecal morphine and hydromorphone at 5 : 1, a halved intrathecal starting dose after
 * systemic opioids. Advisory only: it never writes a dose into a request. Lipophilic intrathecal
 * opioids (fentanyl, sufentanil) are not converted.
 */
public class OpioidConversion {

	public enum Status { OK, NOT_SUPPORTED }

	/** One opioid the patient takes: {@code theDailyDose} in {@code theUnit} (a mass per time; a patch in ug/h). */
	public record Dose(Drug drug, String route, BigDecimal dailyDose, String unit) {}

	/**
	 * @param equivalentDailyDose of the target, in its drug's unit per day, rounded as CONV-02 says
	 * @param suggestedStartDailyDose the CONV-03 starting dose, for an intrathecal target after systemic opioids only
	 * @param unsupported why no value could be given, when the status says so
	 */
	public record Result(Status status, Optional<BigDecimal> equivalentDailyDose, Optional<BigDecimal> suggestedStartDailyDose, String unit,
			List<Finding> findings, Optional<String> unsupported) {}

	private static final Set<String> SYSTEMIC = Set.of("oral", "iv", "transdermal");
	private static final String MORPHINE = "morphine";
	private static final String ORAL = "oral";
	private static final String INTRATHECAL = "intrathecal";
	private static final BigDecimal HOURS_PER_DAY = new BigDecimal("24");

	private final IntrathecalKnowledge myKnowledge;

	public OpioidConversion(IntrathecalKnowledge theKnowledge) {
		myKnowledge = theKnowledge;
	}

	public Result convert(List<Dose> theDoses, Drug theTarget, String theTargetRoute) {
		List<Finding> findings = new ArrayList<>();
		String unit = theTarget.massUnit() + "/d";
		Optional<String> unsupported = notSupported(theDoses, theTarget, theTargetRoute, findings);
		// Factors and ratios are reported once each, however many doses use them.
		Set<String> rulesUsed = new LinkedHashSet<>();
		ExactRatio oralMme = ExactRatio.of(BigDecimal.ZERO);
		for (Dose dose : theDoses) {
			if (dose.drug().id().equals("methadone")) {
				rulesUsed.add("CONV-04");
			}
			if (!SYSTEMIC.contains(dose.route()) && SYSTEMIC.contains(theTargetRoute)) {
				rulesUsed.add("CONV-05");
			}
			Optional<ExactRatio> mme = unsupported.isPresent() ? Optional.empty() : oralMme(dose, rulesUsed);
			if (unsupported.isEmpty() && mme.isEmpty()) {
				unsupported = Optional.of("no conversion for " + dose.drug().display() + " by the " + dose.route() + " route");
			}
			oralMme = mme.map(oralMme::plus).orElse(oralMme);
		}
		Optional<ExactRatio> equivalent = unsupported.isPresent()
				? Optional.empty()
				: targetPerOralMme(theTarget, theTargetRoute, rulesUsed).map(oralMme::times);
		if (unsupported.isEmpty() && equivalent.isEmpty()) {
			unsupported = Optional.of("no conversion to " + theTargetRoute + " " + theTarget.display());
		}
		Optional<BigDecimal> suggested = Optional.empty();
		if (equivalent.isPresent() && theTargetRoute.equals(INTRATHECAL) && theDoses.stream().allMatch(dose -> SYSTEMIC.contains(dose.route()))) {
			Conversion fraction = conversion("start-fraction", "*", INTRATHECAL);
			suggested = Optional.of(rounded(equivalent.get().times(fraction.value().orElseThrow())));
			rulesUsed.add(fraction.rule());
		}
		rulesUsed.add("CONV-06");
		rulesUsed.forEach(rule -> findings.add(Finding.of(myKnowledge, rule, Optional.empty(), theTarget.display() + " " + theTargetRoute)));
		return new Result(unsupported.isPresent() ? Status.NOT_SUPPORTED : Status.OK, equivalent.map(this::rounded), suggested, unit,
				List.copyOf(findings), unsupported);
	}

	/** CONV-08: a lipophilic intrathecal opioid on either side. */
	private Optional<String> notSupported(List<Dose> theDoses, Drug theTarget, String theTargetRoute, List<Finding> theFindings) {
		Optional<String> unsupported = Optional.empty();
		for (Dose dose : theDoses) {
			if (myKnowledge.conversion("not-supported", dose.drug().id(), dose.route()).isPresent()) {
				unsupported = Optional.of("no conversion from " + dose.route() + " " + dose.drug().display());
				theFindings.add(Finding.of(myKnowledge, "CONV-08", Optional.of(dose.drug()), unsupported.get()));
			}
		}
		if (myKnowledge.conversion("not-supported", theTarget.id(), theTargetRoute).isPresent()) {
			unsupported = Optional.of("no conversion to " + theTargetRoute + " " + theTarget.display());
			theFindings.add(Finding.of(myKnowledge, "CONV-08", Optional.of(theTarget), unsupported.get()));
		}
		return unsupported;
	}

	/** The dose in oral morphine milligram equivalents per day, when a factor or ratio covers its drug and route. */
	private Optional<ExactRatio> oralMme(Dose theDose, Set<String> theRulesUsed) {
		String drug = theDose.drug().id();
		Optional<Conversion> factor = myKnowledge.conversion("mme-factor", drug, theDose.route());
		if (factor.isPresent()) {
			theRulesUsed.add(factor.get().rule());
			// The fentanyl patch's factor is per ug/h; every other factor per mg a day.
			ExactRatio amount = factor.get().unit().equals("ug/h")
					? dailyMass(theDose, "ug").dividedBy(HOURS_PER_DAY)
					: dailyMass(theDose, "mg");
			return Optional.of(amount.times(factor.get().value().orElseThrow()));
		}
		return morphinePerUnit(theDose.drug(), theDose.route(), theRulesUsed)
				.map(perUnit -> dailyMass(theDose, "mg").times(perUnit).times(routePart(ORAL, theRulesUsed).orElseThrow()));
	}

	/** Target units per oral MME: the route ratio for morphine, and the 5 : 1 for intrathecal hydromorphone. */
	private Optional<ExactRatio> targetPerOralMme(Drug theTarget, String theRoute, Set<String> theRulesUsed) {
		return morphinePerUnit(theTarget, theRoute, theRulesUsed)
				.map(perUnit -> ExactRatio.of(BigDecimal.ONE).dividedBy(perUnit.times(routePart(ORAL, theRulesUsed).orElseThrow())));
	}

	/**
	 * Oral morphine parts per unit of {@code theDrug} by {@code theRoute}, divided by the oral part:
	 * morphine by its route ratio, intrathecal hydromorphone through intrathecal morphine.
	 */
	private Optional<ExactRatio> morphinePerUnit(Drug theDrug, String theRoute, Set<String> theRulesUsed) {
		if (theDrug.id().equals(MORPHINE)) {
			return routePart(theRoute, theRulesUsed).map(part -> ExactRatio.of(BigDecimal.ONE).dividedBy(part));
		}
		Optional<Conversion> ratio = myKnowledge.conversion("intrathecal-ratio", theDrug.id(), theRoute);
		ratio.ifPresent(found -> theRulesUsed.add(found.rule()));
		return ratio.flatMap(found -> routePart(INTRATHECAL, theRulesUsed)
				.map(part -> ExactRatio.of(found.value().orElseThrow()).dividedBy(part)));
	}

	private Optional<BigDecimal> routePart(String theRoute, Set<String> theRulesUsed) {
		Optional<Conversion> part = myKnowledge.conversion("route-ratio", MORPHINE, theRoute);
		part.ifPresent(found -> theRulesUsed.add(found.rule()));
		return part.flatMap(Conversion::value);
	}

	private static ExactRatio dailyMass(Dose theDose, String theMassUnit) {
		return PumpUnits.dailyMass(theDose.dailyDose(), theDose.unit(), theMassUnit, "medication.dailyDose");
	}

	private BigDecimal rounded(ExactRatio theValue) {
		BigDecimal step = conversion("rounding", MORPHINE, ORAL).value().orElseThrow();
		return theValue.rounded(step.scale(), RoundingMode.HALF_UP);
	}

	private Conversion conversion(String theKind, String theDrug, String theRoute) {
		return myKnowledge.conversion(theKind, theDrug, theRoute)
				.orElseThrow(() -> new IllegalStateException("the conversion data has no " + theKind));
	}
}
