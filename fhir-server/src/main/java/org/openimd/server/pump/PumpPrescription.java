package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Drug;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Excipient;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;

/**
 * A pump prescription as the checks see it, every quantity already in the drug's own unit: what is in
 * the reservoir, how much of it is delivered, into which pump, for whom. Read from FHIR by
 * {@link PumpPrescriptionReader}.
 *
 * @param actives the active ingredients, each with its concentration in its drug's unit per mL
 * @param inactives the inactive ingredients (diluents, vehicles, preservatives)
 * @param reference the active ingredient the doses are given in
 * @param basalDailyDose the programmed basal dose of the reference ingredient per day
 * @param maxDailyBolus the largest total of patient-activated boluses per day; zero without boluses
 * @param bolusDose one patient-activated bolus of the reference ingredient, when boluses are prescribed
 * @param reservoirVolume the volume in the reservoir after the refill (mL)
 * @param lowReservoirAlarm the programmed low-reservoir alarm volume, where the pump lets it be programmed
 * @param requestedIntervalDays a refill interval the prescriber asks for
 * @param previousDailyDose the previous daily dose of the reference ingredient (titration checks)
 * @param hoursSinceLastIncrease hours since the dose was last increased (titration checks)
 * @param spasticityOrigin {@code spinal} or {@code cerebral}, for baclofen titration
 */
public record PumpPrescription(
		List<Active> actives,
		List<Excipient> inactives,
		Optional<BigDecimal> ph,
		Active reference,
		ExactRatio basalDailyDose,
		ExactRatio maxDailyBolus,
		Optional<ExactRatio> bolusDose,
		PumpModel pump,
		ExactRatio reservoirVolume,
		Optional<ExactRatio> lowReservoirAlarm,
		Optional<BigDecimal> requestedIntervalDays,
		Optional<Integer> patientAge,
		boolean opioidTolerant,
		boolean initiation,
		boolean firstFillOfNaivePump,
		Optional<Integer> daysSinceEri,
		Optional<ExactRatio> previousDailyDose,
		Optional<BigDecimal> hoursSinceLastIncrease,
		Optional<String> spasticityOrigin,
		boolean mriScheduled) {

	/**
	 * An active ingredient and its concentration in {@code drug.massUnit()} per mL.
	 *
	 * @param location where the ingredient is in the input, for the findings about it
	 */
	public record Active(Drug drug, ExactRatio concentration, String location) {}

	/** The same single-drug prescription at another concentration, with {@code theInactives}, and no requested interval. */
	PumpPrescription withConcentration(ExactRatio theConcentration, List<Excipient> theInactives) {
		Active candidate = new Active(reference.drug(), theConcentration, reference.location());
		return new PumpPrescription(List.of(candidate), theInactives, ph, candidate, basalDailyDose, maxDailyBolus, bolusDose,
				pump, reservoirVolume, lowReservoirAlarm, Optional.empty(), patientAge, opioidTolerant, initiation, firstFillOfNaivePump,
				daysSinceEri, previousDailyDose, hoursSinceLastIncrease, spasticityOrigin, mriScheduled);
	}

	/** Basal and every allowed bolus: what the pump may deliver in a day (Prometra's controller assumes all boluses are given). */
	ExactRatio totalDailyDose() {
		return basalDailyDose.plus(maxDailyBolus);
	}

	/** Whether patient-activated boluses are prescribed at all. */
	boolean boluses() {
		return bolusDose.isPresent();
	}

	boolean isAdmixture() {
		return actives.size() > 1;
	}
}
