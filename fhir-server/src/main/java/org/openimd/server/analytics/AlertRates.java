package org.openimd.server.analytics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
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

	/** Every implanted cardiac device whose type is coded in IEEE 11073-10103. */
	Collection<Device> cardiacDevices() {
		return search(Device.class, SearchParameterMap.newSynchronous().add(Device.SP_TYPE, new TokenParam(Mdc.SYSTEM, null)));
	}

	/** The strata of {@code theDevices}, by device type code, counting what was recorded up to {@code theAsOf}. */
	Map<String, Stratum> of(Collection<Device> theDevices, Instant theAsOf) {
		Map<String, Stratum> strata = new TreeMap<>();
		for (Device device : theDevices) {
			Optional<Coding> type = device.getType().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem())).findFirst();
			if (type.isEmpty() || !device.hasPatient()) {
				continue;
			}
			String reference = device.getIdElement().toUnqualifiedVersionless().getValue();
			List<Instant> transmissions = search(DiagnosticReport.class,
					SearchParameterMap.newSynchronous().add("device", new ReferenceParam(reference))).stream()
					.map(report -> report.hasEffectiveDateTimeType() ? report.getEffectiveDateTimeType().getValue() : report.getIssued())
					.filter(date -> date != null && !date.toInstant().isAfter(theAsOf)).map(Date::toInstant).sorted().toList();
			if (transmissions.isEmpty()) {
				continue;
			}
			double years = Duration.between(transmissions.get(0), transmissions.get(transmissions.size() - 1)).toHours() / 24.0 / DAYS_PER_YEAR;
			int alerts = (int) search(DetectedIssue.class,
					SearchParameterMap.newSynchronous().add(DetectedIssue.SP_IMPLICATED, new ReferenceParam(reference))).stream()
					.filter(issue -> issue.hasIdentifiedDateTimeType() && !issue.getIdentifiedDateTimeType().getValue().toInstant().isAfter(theAsOf))
					.count();
			Stratum before = strata.get(type.get().getCode());
			Set<String> patients = new HashSet<>(before == null ? Set.of() : before.patients());
			patients.add(device.getPatient().getReferenceElement().getIdPart());
			strata.put(type.get().getCode(), new Stratum(type.get().copy(), patients,
					(before == null ? 0 : before.patientYears()) + years, (before == null ? 0 : before.alerts()) + alerts));
		}
		return strata;
	}

	/** All strata as one: its patients counted once each. */
	static Stratum total(Collection<Stratum> theStrata) {
		Set<String> patients = new HashSet<>();
		theStrata.forEach(stratum -> patients.addAll(stratum.patients()));
		return new Stratum(new Coding().setDisplay("all device types"), patients,
				theStrata.stream().mapToDouble(Stratum::patientYears).sum(), theStrata.stream().mapToInt(Stratum::alerts).sum());
	}

	@SuppressWarnings("unchecked")
	private <T extends IBaseResource> List<T> search(Class<T> theType, SearchParameterMap theSearch) {
		return (List<T>) myDaos.getResourceDao(theType).searchForResources(theSearch, new SystemRequestDetails());
	}
}
