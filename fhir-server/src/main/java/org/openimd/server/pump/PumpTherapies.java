package org.openimd.server.pump;

import java.time.Instant;
import java.util.List;

/**
 * Intrathecal pump therapy as stored, for statistics over many patients: what each pump was prescribed,
 * how often it was refilled, and which check rules warned. Only what was recorded up to a moment.
 */
public interface PumpTherapies {

	/** A pump's prescription: its latest order up to the moment asked, its reference drug and basal daily dose. */
	record Prescribed(String patient, String pump, String drug, String unit, double basalDailyDose) {}

	/** A refill: a completed dispense for a pump, so many days after the pump's previous one, of its prescription's reference drug. */
	record Refill(String patient, String pump, String drug, double daysSincePrevious) {}

	/** A check rule's warning on a stored order or dispense of a pump. */
	record Warning(String patient, String pump, String rule, String summary) {}

	List<Prescribed> prescribed(Instant theAsOf);

	List<Refill> refills(Instant theAsOf);

	List<Warning> warnings(Instant theAsOf);
}
