package org.openimd.server.analytics;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.openimd.terminology.alerts.AlertKnowledge;

/**
 * Alerts and arrhythmia episodes per patient-year of remote follow-up, by implanted cardiac device type
 * (IEEE 11073-10103 {@code MDC_IDC_DEV_TYPE}). A device's follow-up runs from its first interrogation
 * to its last, so a device seen once adds its alerts and episodes and no time; its alerts are the
 * DetectedIssues that implicate it; its episodes are those its interrogations report, each counted
 * once however many interrogations repeat it (known by episode ID and time, as the alert rules
 * deduplicate them). Only what was recorded up to {@code asOf} counts.
 */
final class AlertRates {

	static final String EPISODE_ID = "739536";
	static final String EPISODE_TIME = "739552";

	/** The patients, follow-up, alerts and episodes of a stratum's devices. */
	record Stratum(int patients, double patientYears, int alerts, int episodes) {

		Optional<Double> alertsPerPatientYear() {
			return perPatientYear(alerts);
		}

		Optional<Double> episodesPerPatientYear() {
			return perPatientYear(episodes);
		}

		private Optional<Double> perPatientYear(int theCount) {
			return patientYears > 0 ? Optional.of(theCount / patientYears) : Optional.empty();
		}
	}

	/** One implanted cardiac device with its type, its patient, its follow-up in years, its alerts and its episodes. */
	record FollowedDevice(String device, Coding type, String patient, double years, int alerts, int episodes) implements Strata.DeviceOfPatient {}

	private final CardiacDevices myDevices;

	AlertRates(CardiacDevices theDevices) {
		myDevices = theDevices;
	}

	/** Every implanted cardiac device interrogated up to {@code theAsOf}, with what was recorded of it up to then. */
	List<FollowedDevice> followedUp(Instant theAsOf) {
		return myDevices.summarised(theAsOf, history -> {
			return Optional.of(new FollowedDevice(history.reference(), history.type(), history.patient(),
					CardiacDevices.years(history.first(), history.last()), myDevices.alerts(history.reference(), theAsOf).size(), episodes(history)));
		});
	}

	private static int episodes(CardiacDevices.History theHistory) {
		Set<String> episodes = theHistory.interrogations().stream().flatMap(interrogation -> interrogation.instances(EPISODE_ID)
				.map(instance -> interrogation.value(EPISODE_ID, instance).map(AlertKnowledge::text).orElse("") + "@"
						+ interrogation.value(EPISODE_TIME, instance).map(AlertKnowledge::text).orElse("")))
				.collect(Collectors.toSet());
		return episodes.size();
	}

	/** {@code theDevices} as one stratum, their patients counted once each. */
	static Stratum stratum(List<FollowedDevice> theDevices) {
		return new Stratum(Strata.patients(theDevices), theDevices.stream().mapToDouble(FollowedDevice::years).sum(),
				theDevices.stream().mapToInt(FollowedDevice::alerts).sum(), theDevices.stream().mapToInt(FollowedDevice::episodes).sum());
	}
}
