package org.openimd.server.pump;

import java.math.BigDecimal;
import java.util.Optional;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpModel;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.PumpParameter;

/** What a pump family's data says, as the prescription checks and the telemetry forecast both read it. */
final class PumpFacts {

	private final IntrathecalKnowledge myKnowledge;

	PumpFacts(IntrathecalKnowledge theKnowledge) {
		myKnowledge = theKnowledge;
	}

	IntrathecalKnowledge knowledge() {
		return myKnowledge;
	}

	PumpParameter parameter(String theFamily, String theParameter) {
		return myKnowledge.pumpParameter(theFamily, theParameter)
				.orElseThrow(() -> new IllegalStateException("the intrathecal pump data has no " + theParameter + " for " + theFamily));
	}

	Optional<PumpParameter> optionalParameter(String theFamily, String theParameter) {
		return myKnowledge.pumpParameter(theFamily, theParameter);
	}

	/**
	 * The volume at which the pump raises its low-reservoir alarm: the programmed one where the model
	 * lets it be programmed, else the family's own (Prometra computes its refill date at 3.0 mL).
	 *
	 * @param theLocation where a programmed volume the model cannot take came from
	 */
	ExactRatio lowReservoirAlarm(PumpModel thePump, Optional<ExactRatio> theProgrammed, String theLocation) {
		BigDecimal standard = parameter(thePump.family(), "low-reservoir-alarm-default").decimal();
		boolean programmable = Boolean.parseBoolean(parameter(thePump.family(), "low-reservoir-alarm-programmable").value());
		return theProgrammed.map(programmed -> {
			if (!programmable && programmed.compareTo(standard) != 0) {
				throw new PumpInputException(theLocation, thePump.model() + " computes its refill date at " + standard.toPlainString()
						+ " mL; that volume cannot be programmed");
			}
			return programmed;
		}).orElse(ExactRatio.of(standard));
	}
}
