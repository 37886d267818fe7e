package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.server.pump.PumpTherapies;

class PumpTherapyTest {

	/** 12 sufentanil pumps at 10 … 21 ug/d: median 15.5, quartiles 12.75 and 18.25; 3 baclofen pumps, too few. */
	@Test
	void dosesAreEachPumpsLatestByDrugAndADrugOfFewPatientsIsSuppressedWithTheSmallestOther() {
		List<PumpTherapies.Prescribed> prescribed = new ArrayList<>();
		for (int index = 0; index < 12; index++) {
			prescribed.add(new PumpTherapies.Prescribed("s" + index, "Device/s" + index, "Sufentanil", "ug/d", 10 + index));
		}
		for (int index = 0; index < 3; index++) {
			prescribed.add(new PumpTherapies.Prescribed("b" + index, "Device/b" + index, "Baclofen", "ug/d", 100));
		}
		for (int index = 0; index < 11; index++) {
			prescribed.add(new PumpTherapies.Prescribed("m" + index, "Device/m" + index, "Morphine", "mg/d", 2));
		}
		Parameters answer = new Parameters();

		PumpTherapy.describeDoses(answer, Strata.of(PumpTherapy.doses(prescribed), PumpTherapy.Figure::stratum, Optional.empty(), 11));

		ParametersParameterComponent sufentanil = row(answer, "dose", "Sufentanil");
		assertThat(part(sufentanil, "unit")).isEqualTo("ug/d");
		assertThat(part(sufentanil, "patients")).isEqualTo("12");
		assertThat(part(sufentanil, "pumps")).isEqualTo("12");
		assertThat(part(sufentanil, "median")).isEqualTo("15.50");
		assertThat(part(sufentanil, "lowerQuartile")).isEqualTo("12.75");
		assertThat(part(sufentanil, "upperQuartile")).isEqualTo("18.25");
		assertThat(part(row(answer, "dose", "Baclofen"), "suppressed")).isEqualTo("true");
		assertThat(part(row(answer, "dose", "Baclofen"), "median")).isNull();
		assertThat(part(row(answer, "dose", "Morphine"), "suppressed")).as("the smallest shown, else the total gives baclofen's 3 away").isEqualTo("true");
		assertThat(part(answer.getParameter("doseTotal"), "patients")).isEqualTo("26");
	}

	@Test
	void refillIntervalsAndWarningsCountEachRefillAndEachWarningWithThePatientsTheyConcern() {
		List<PumpTherapies.Refill> refills = new ArrayList<>();
		List<PumpTherapies.Warning> warnings = new ArrayList<>();
		for (int index = 0; index < 12; index++) {
			refills.add(new PumpTherapies.Refill("p" + index, "Device/" + index, "Sufentanil", 30 + index));
			refills.add(new PumpTherapies.Refill("p" + index, "Device/" + index, "Sufentanil", 30 + index));
			warnings.add(new PumpTherapies.Warning("p" + index, "Device/" + index, "PUMP-03", "off-label drug in a SynchroMed II pump"));
			warnings.add(new PumpTherapies.Warning("p" + index, "Device/" + index, "PUMP-03", "off-label drug in a SynchroMed II pump"));
		}
		Parameters answer = new Parameters();

		PumpTherapy.describeRefills(answer, Strata.of(PumpTherapy.refills(refills), PumpTherapy.Figure::stratum, Optional.empty(), 11));
		PumpTherapy.describeWarnings(answer, Strata.of(PumpTherapy.warnings(warnings), PumpTherapy.Figure::stratum, Optional.empty(), 11));

		ParametersParameterComponent interval = row(answer, "refillInterval", "Sufentanil");
		assertThat(part(interval, "refills")).isEqualTo("24");
		assertThat(part(interval, "median")).isEqualTo("35.50");
		assertThat(part(interval, "lowerQuartile")).isEqualTo("32.75");
		assertThat(part(interval, "upperQuartile")).isEqualTo("38.25");
		ParametersParameterComponent warning = answer.getParameters("warning").get(0);
		assertThat(((Coding) warning.getPart().get(0).getValue()).getCode()).isEqualTo("PUMP-03");
		assertThat(((Coding) warning.getPart().get(0).getValue()).getDisplay()).isEqualTo("off-label drug in a SynchroMed II pump");
		assertThat(part(warning, "patients")).isEqualTo("12");
		assertThat(part(warning, "firings")).isEqualTo("24");
	}

	private static ParametersParameterComponent row(Parameters theAnswer, String theName, String theDrug) {
		return theAnswer.getParameters(theName).stream().filter(row -> theDrug.equals(part(row, "drug"))).findFirst().orElseThrow();
	}

	private static String part(ParametersParameterComponent theRow, String theName) {
		return theRow.getPart().stream().filter(part -> part.getName().equals(theName)).map(part -> ((Type) part.getValue()).primitiveValue())
				.findFirst().orElse(null);
	}
}
