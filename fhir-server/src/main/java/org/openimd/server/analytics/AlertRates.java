package org.openimd.server.analytics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.terminology.Mdc;

/**
 * Alerts per patient-year of remote follow-up, by implanted cardiac device type (IEEE 11073-10103
 * {@code MDC_IDC_DEV_TYPE}). A device's follow-up runs from its first transmission to its last (its
 * interrogation reports), so a device seen once adds its alerts and no time; its alerts are the
 * DetectedIssues that implicate it. Only what was recorded up to {@code asOf} counts.
 */
final class AlertRates {

	private static final double DAYS_PER_YEAR = 365.25;

	/** One device type: its coding, the patients with such a device, their follow-up and their alerts. */
	record Stratum(Coding deviceType, Set<String> patients, double patientYears, int alerts) {

		Optional<Double> alertsPerPatientYear() {
			return patientYears > 0 ? Optional.of(alerts / patientYears) : Optional.empty();
		}
	}

	private final DaoRegistry myDaos;

	AlertRates(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	/** One implanted cardiac device with its type, its patient, its follow-up in years and its alerts. */
	record FollowedDevice(String device, Coding type, String patient, double years, int alerts) {}

	/**
	 * Every implanted cardiac device whose type is coded in IEEE 11073-10103 and that transmitted up to
	 * {@code theAsOf}, with what was recorded of it up to then: read once, for every view drawn from it.
	 */
	List<FollowedDevice> followedUp(Instant theAsOf) {
		List<FollowedDevice> followed = new ArrayList<>();
		for (Device device : ServerSearches.everyMatch(myDaos, Device.class, SearchParameterMap.newSynchronous().add(Device.SP_TYPE, new TokenParam(Mdc.SYSTEM, null)))) {
			Optional<Coding> type = device.getType().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem())).findFirst();
			if (type.isEmpty() || !device.hasPatient()) {
				continue;
			}
			String reference = device.getIdElement().toUnqualifiedVersionless().getValue();
			List<Instant> transmissions = ServerSearches.everyMatch(myDaos, DiagnosticReport.class,
					SearchParameterMap.newSynchronous().add("device", new ReferenceParam(reference))).stream()
					.map(report -> report.hasEffectiveDateTimeType() ? report.getEffectiveDateTimeType().getValue() : report.getIssued())
					.filter(date -> date != null && !date.toInstant().isAfter(theAsOf)).map(Date::toInstant).sorted().toList();
			if (transmissions.isEmpty()) {
				continue;
			}
			double years = Duration.between(transmissions.get(0), transmissions.get(transmissions.size() - 1)).toHours() / 24.0 / DAYS_PER_YEAR;
			int alerts = (int) ServerSearches.everyMatch(myDaos, DetectedIssue.class,
					SearchParameterMap.newSynchronous().add(DetectedIssue.SP_IMPLICATED, new ReferenceParam(reference))).stream()
					.filter(issue -> issue.hasIdentifiedDateTimeType() && !issue.getIdentifiedDateTimeType().getValue().toInstant().isAfter(theAsOf))
					.count();
			followed.add(new FollowedDevice(reference, type.get(), device.getPatient().getReferenceElement().getIdPart(), years, alerts));
		}
		return followed;
	}

	/** The strata of {@code theDevices}, by device type code. */
	static Map<String, Stratum> strata(Collection<FollowedDevice> theDevices) {
		Map<String, Stratum> strata = new TreeMap<>();
		theDevices.stream().collect(Collectors.groupingBy(device -> device.type().getCode())).forEach((code, devices) -> strata.put(code,
				new Stratum(devices.get(0).type().copy(), devices.stream().map(FollowedDevice::patient).collect(Collectors.toSet()),
						devices.stream().mapToDouble(FollowedDevice::years).sum(), devices.stream().mapToInt(FollowedDevice::alerts).sum())));
		return strata;
	}

	/** All strata as one: its patients counted once each. */
	static Stratum total(Collection<Stratum> theStrata) {
		Set<String> patients = new HashSet<>();
		theStrata.forEach(stratum -> patients.addAll(stratum.patients()));
		return new Stratum(new Coding().setDisplay("all device types"), patients,
				theStrata.stream().mapToDouble(Stratum::patientYears).sum(), theStrata.stream().mapToInt(Stratum::alerts).sum());
	}

}
