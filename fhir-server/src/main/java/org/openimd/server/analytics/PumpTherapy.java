package org.openimd.server.analytics;

import java.util.List;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.pump.PumpTherapies;
import org.openimd.terminology.OpenImdUris;

/**
 * Intrathecal pump therapy in three tables, each by its own strata and suppressed on its own: the basal
 * daily dose of each pump's latest prescription by reference drug, the days between refills by drug,
 * and the warnings of each check rule. A figure is one pump's dose, one refill's interval or one
 * warning, with the pump and patient it describes.
 */
final class PumpTherapy {

	/** One figure of a table: its pump, its patient, its stratum (a drug, a rule) and its value. */
	record Figure(String device, String patient, String stratum, double value) implements Strata.DeviceOfPatient {}

	private PumpTherapy() {}

	static List<Figure> doses(List<PumpTherapies.Prescribed> thePrescribed) {
		return thePrescribed.stream().map(dose -> new Figure(dose.pump(), dose.patient(), dose.drug() + "\u0000" + dose.unit(), dose.basalDailyDose()))
				.toList();
	}

	static List<Figure> refills(List<PumpTherapies.Refill> theRefills) {
		return theRefills.stream().map(refill -> new Figure(refill.pump(), refill.patient(), refill.drug(), refill.daysSincePrevious())).toList();
	}

	static List<Figure> warnings(List<PumpTherapies.Warning> theWarnings) {
		return theWarnings.stream().map(warning -> new Figure(warning.pump(), warning.patient(), warning.rule() + "\u0000" + warning.summary(), 1))
				.toList();
	}

	/** The doses by drug: patients, pumps, and the median and quartiles of their basal daily doses in the drug's unit per day. */
	static void describeDoses(Parameters theAnswer, Strata<Figure> theDoses) {
		theDoses.cells().forEach((drugAndUnit, figures) -> {
			String[] names = drugAndUnit.split("\u0000");
			ParametersParameterComponent row = theAnswer.addParameter().setName("dose");
			row.addPart().setName("drug").setValue(new StringType(names[0]));
			row.addPart().setName("unit").setValue(new StringType(names[1]));
			distribution(row, "pumps", figures, theDoses.suppressed(drugAndUnit));
		});
		total(theAnswer, "doseTotal", "pumps", theDoses);
	}

	/** The refill intervals by drug: patients, refills, and the median and quartiles of the days between refills. */
	static void describeRefills(Parameters theAnswer, Strata<Figure> theRefills) {
		theRefills.cells().forEach((drug, figures) -> {
			ParametersParameterComponent row = theAnswer.addParameter().setName("refillInterval");
			row.addPart().setName("drug").setValue(new StringType(drug));
			distribution(row, "refills", figures, theRefills.suppressed(drug));
		});
		total(theAnswer, "refillIntervalTotal", "refills", theRefills);
	}

	/** The warnings by check rule: the patients they concerned, and how often the rule warned. */
	static void describeWarnings(Parameters theAnswer, Strata<Figure> theWarnings) {
		theWarnings.cells().forEach((ruleAndSummary, figures) -> {
			String[] rule = ruleAndSummary.split("\u0000");
			ParametersParameterComponent row = theAnswer.addParameter().setName("warning");
			row.addPart().setName("rule").setValue(new Coding(OpenImdUris.INTRATHECAL_RULE_SYSTEM, rule[0], rule[1]));
			counts(row, "firings", figures, theWarnings.suppressed(ruleAndSummary));
		});
		total(theAnswer, "warningTotal", "firings", theWarnings);
	}

	private static void distribution(ParametersParameterComponent theRow, String theCounted, List<Figure> theFigures, boolean theSuppressed) {
		if (counts(theRow, theCounted, theFigures, theSuppressed)) {
			List<Double> sorted = theFigures.stream().map(Figure::value).sorted().toList();
			theRow.addPart().setName("median").setValue(Figures.rounded(YearlyDistribution.quantile(sorted, 0.5), 2));
			theRow.addPart().setName("lowerQuartile").setValue(Figures.rounded(YearlyDistribution.quantile(sorted, 0.25), 2));
			theRow.addPart().setName("upperQuartile").setValue(Figures.rounded(YearlyDistribution.quantile(sorted, 0.75), 2));
		}
	}

	/** The row's patients and how many figures it counts, unless suppressed; whether they were given. */
	private static boolean counts(ParametersParameterComponent theRow, String theCounted, List<Figure> theFigures, boolean theSuppressed) {
		if (theSuppressed) {
			Figures.suppressed(theRow);
			return false;
		}
		theRow.addPart().setName("patients").setValue(new IntegerType(Strata.patients(theFigures)));
		theRow.addPart().setName(theCounted).setValue(new IntegerType(theFigures.size()));
		return true;
	}

	private static void total(Parameters theAnswer, String theName, String theCounted, Strata<Figure> theStrata) {
		counts(theAnswer.addParameter().setName(theName), theCounted, theStrata.all(), theStrata.suppression().total());
	}
}
