package org.openimd.server.analytics;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.deid.ManufacturersDevices;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.ApiScopes;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.login.Role;

/**
 * {@code $device-alert-rates}: alerts per patient-year of remote follow-up, by implanted cardiac device
 * type, over all stored data, answered de-identified: counts and rates only, no figure about fewer than
 * k patients ({@link SmallCells}). For administrators and researchers ({@code openimd.research}) over
 * every device; for a manufacturer over its own devices, suppressed also where the difference from
 * everyone's figure would describe fewer than k patients. Counted up to the end of the last complete
 * calendar month (UTC), so that asking again within the month gives the same answer rather than one
 * whose difference from the last describes the few patients seen since.
 */
public class AnalyticsProvider {

	static final String OPERATION = "$device-alert-rates";
	private static final String SVG = "svg";
	/** Administrators, researchers and manufacturers (these over their own devices). */
	static final Predicate<AccessContext> MAY_ASK = access -> access.manufacturer().isPresent()
			|| access.policy().filter(Role.ADMIN::equals).isPresent() || access.hasScope(ApiScopes.RESEARCH);

	private final AlertRates myAlertRates;
	private final ManufacturersDevices myManufacturers;
	private final CareRelationships myCare;
	private final AuditTrail myAudit;
	private final Clock myClock;
	private final int myMinimumPatients;

	AnalyticsProvider(AlertRates theAlertRates, ManufacturersDevices theManufacturers, CareRelationships theCare, AuditTrail theAudit,
			Clock theClock, int theMinimumPatients) {
		myAlertRates = theAlertRates;
		myManufacturers = theManufacturers;
		myCare = theCare;
		myAudit = theAudit;
		myClock = theClock;
		myMinimumPatients = theMinimumPatients;
	}

	/** The figures as Parameters, or with {@code chart=svg} the same drawn as a bar chart (a Binary, {@code image/svg+xml}). */
	@Operation(name = OPERATION, idempotent = true)
	public IBaseResource deviceAlertRates(@OperationParam(name = "chart", max = 1) StringType theChart, RequestDetails theRequest) {
		if (theChart != null && !SVG.equals(theChart.getValue())) {
			throw new InvalidRequestException("chart is svg, or absent for the figures as Parameters; not " + theChart.getValue());
		}
		Parameters answer = figures(theRequest);
		if (theChart == null) {
			return answer;
		}
		Binary chart = new Binary().setContentType("image/svg+xml");
		chart.setData(AlertRatesChart.svg(answer).getBytes(StandardCharsets.UTF_8));
		return chart;
	}

	private Parameters figures(RequestDetails theRequest) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		Optional<String> manufacturer = access.manufacturer();
		if (!MAY_ASK.test(access)) {
			throw new ForbiddenOperationException(OPERATION + " is for administrators, researchers and manufacturers");
		}
		Instant asOf = LocalDate.now(myClock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		List<AlertRates.FollowedDevice> everyDevice = myAlertRates.followedUp(asOf);
		Map<String, AlertRates.Stratum> everyone = AlertRates.strata(everyDevice);
		Map<String, AlertRates.Stratum> answered;
		SmallCells.Suppression suppression;
		if (manufacturer.isPresent()) {
			Set<String> own = myManufacturers.madeBy(manufacturer.get()).stream()
					.map(device -> device.getIdElement().toUnqualifiedVersionless().getValue()).collect(Collectors.toSet());
			answered = AlertRates.strata(everyDevice.stream().filter(device -> own.contains(device.device())).toList());
			suppression = SmallCells.suppress(patients(answered), AlertRates.total(answered.values()).patients().size(), patients(everyone),
					Optional.of(AlertRates.total(everyone.values()).patients().size()), myMinimumPatients);
		} else {
			answered = everyone;
			suppression = SmallCells.suppress(patients(answered), AlertRates.total(answered.values()).patients().size(), Map.of(),
					Optional.empty(), myMinimumPatients);
		}
		Parameters answer = new Parameters();
		answer.addParameter().setName("asOf").setValue(new DateType(Date.from(asOf)));
		answer.addParameter().setName("minimumPatientsPerFigure").setValue(new IntegerType(myMinimumPatients));
		answered.forEach((type, stratum) -> answer.addParameter(stratum("stratum", stratum, suppression.cells().contains(type))));
		answer.addParameter(stratum("total", AlertRates.total(answered.values()), suppression.total()));
		myAudit.record(AuditEvents.operationCalled(OPERATION, "de-identified alert rates by device type"
				+ manufacturer.map(organization -> " for " + organization).orElse(""), List.of(), true, AuditEvents.remoteAddress(theRequest)));
		return answer;
	}

	private static Map<String, Integer> patients(Map<String, AlertRates.Stratum> theStrata) {
		return theStrata.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, stratum -> stratum.getValue().patients().size()));
	}

	private static ParametersParameterComponent stratum(String theName, AlertRates.Stratum theStratum, boolean theSuppressed) {
		ParametersParameterComponent stratum = new ParametersParameterComponent().setName(theName);
		stratum.addPart().setName("deviceType").setValue(theStratum.deviceType().copy());
		if (theSuppressed) {
			stratum.addPart().setName("suppressed").setValue(new BooleanType(true));
			return stratum;
		}
		stratum.addPart().setName("patients").setValue(new IntegerType(theStratum.patients().size()));
		stratum.addPart().setName("patientYears").setValue(new DecimalType(Math.round(theStratum.patientYears() * 10) / 10.0));
		stratum.addPart().setName("alerts").setValue(new IntegerType(theStratum.alerts()));
		theStratum.alertsPerPatientYear().ifPresent(
				rate -> stratum.addPart().setName("alertsPerPatientYear").setValue(new DecimalType(Math.round(rate * 100) / 100.0)));
		return stratum;
	}
}
