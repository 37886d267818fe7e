package org.openimd.server.analytics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.openimd.server.fhir.ServerSearches;
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

	/** One device type: its coding, and the patients, follow-up, alerts and episodes of its devices. */
	record Stratum(Coding deviceType, int patients, double patientYears, int alerts, int episodes) {

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
	private final DaoRegistry myDaos;

	AlertRates(CardiacDevices theDevices, DaoRegistry theDaos) {
		myDevices = theDevices;
		myDaos = theDaos;
	}

	/** Every implanted cardiac device interrogated up to {@code theAsOf}, with what was recorded of it up to then. */
	List<FollowedDevice> followedUp(Instant theAsOf) {
		return myDevices.summarised(theAsOf, history -> {
			double years = Duration.between(history.first(), history.last()).toHours() / 24.0 / CardiacDevices.DAYS_PER_YEAR;
			int alerts = (int) ServerSearches.everyMatch(myDaos, DetectedIssue.class,
					SearchParameterMap.newSynchronous().add(DetectedIssue.SP_IMPLICATED, new ReferenceParam(history.reference()))).stream()
					.filter(issue -> issue.hasIdentifiedDateTimeType() && !issue.getIdentifiedDateTimeType().getValue().toInstant().isAfter(theAsOf))
					.count();
			return Optional.of(new FollowedDevice(history.reference(), history.type(), history.patient(), years, alerts, episodes(history)));
		});
	}

	private static int episodes(CardiacDevices.History theHistory) {
		Set<String> episodes = theHistory.interrogations().stream().flatMap(interrogation -> interrogation.instances(EPISODE_ID)
				.map(instance -> interrogation.value(EPISODE_ID, instance).map(AlertKnowledge::text).orElse("") + "@"
						+ interrogation.value(EPISODE_TIME, instance).map(AlertKnowledge::text).orElse("")))
				.collect(Collectors.toSet());
		return episodes.size();
	}

	/** {@code theDevices} as one stratum of {@code theType}, their patients counted once each. */
	static Stratum stratum(Coding theType, List<FollowedDevice> theDevices) {
		return new Stratum(theType, Strata.patients(theDevices), theDevices.stream().mapToDouble(FollowedDevice::years).sum(),
				theDevices.stream().mapToInt(FollowedDevice::alerts).sum(), theDevices.stream().mapToInt(FollowedDevice::episodes).sum());
	}
}
