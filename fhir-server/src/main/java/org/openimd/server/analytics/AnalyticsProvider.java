package org.openimd.server.analytics;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.deid.ManufacturersDevices;
import org.openimd.server.pump.PumpTherapies;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.ApiScopes;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.login.Role;

/**
 * De-identified statistics over all stored implanted cardiac devices: {@code $device-alert-rates}
 * (alerts and episodes per patient-year by device type), {@code $device-longevity} (time from implant
 * to RRT by model, and battery voltage by year since implant) and {@code $lead-performance} (lead
 * measurements by year since implant and out-of-range events, by lead model), and over intrathecal pumps
 * {@code $pump-therapy} (doses, refill intervals and check-rule warnings by drug and rule). Only counts, rates and
 * distributions, no figure about fewer than k patients ({@link SmallCells}). For administrators and
 * researchers ({@code openimd.research}) over every device; for a manufacturer over its own devices,
 * suppressed also where the difference from everyone's figure would describe fewer than k patients.
 * Counted up to the end of the last complete calendar month (UTC), so that asking again within the
 * month gives the same answer rather than one whose difference from the last describes the few
 * patients seen since. Each answer, or with {@code chart} the same drawn ({@link Charts}).
 */
public class AnalyticsProvider {

	static final String ALERT_RATES = "$device-alert-rates";
	static final String LONGEVITY = "$device-longevity";
	static final String LEAD_PERFORMANCE = "$lead-performance";
	static final String PUMP_THERAPY = "$pump-therapy";
	/** Administrators, researchers and manufacturers (these over their own devices). */
	static final Predicate<AccessContext> MAY_ASK = access -> access.manufacturer().isPresent()
			|| access.policy().filter(Role.ADMIN::equals).isPresent() || access.hasScope(ApiScopes.RESEARCH);

	private final CardiacDevices myDevices;
	private final AlertRates myAlertRates;
	private final Longevity myLongevity;
	private final LeadPerformance myLeads;
	private final PumpTherapies myPumps;
	private final ManufacturersDevices myManufacturers;
	private final CareRelationships myCare;
	private final AuditTrail myAudit;
	private final Clock myClock;
	private final int myMinimumPatients;

	AnalyticsProvider(CardiacDevices theDevices, AlertRates theAlertRates, Longevity theLongevity, LeadPerformance theLeads, PumpTherapies thePumps,
			ManufacturersDevices theManufacturers, CareRelationships theCare, AuditTrail theAudit, Clock theClock, int theMinimumPatients) {
		myDevices = theDevices;
		myAlertRates = theAlertRates;
		myLongevity = theLongevity;
		myLeads = theLeads;
		myPumps = thePumps;
		myManufacturers = theManufacturers;
		myCare = theCare;
		myAudit = theAudit;
		myClock = theClock;
		myMinimumPatients = theMinimumPatients;
	}

	/** Who asks, over which devices, up to when. */
	private record Question(Instant asOf, Optional<String> manufacturer, Optional<Set<String>> ownDevices) {}

	@Operation(name = ALERT_RATES, idempotent = true)
	public IBaseResource deviceAlertRates(@OperationParam(name = "chart", max = 1) StringType theChart, RequestDetails theRequest) {
		Optional<Charts> chart = Charts.asked(theChart);
		Question question = question(theRequest, ALERT_RATES);
		Strata<AlertRates.FollowedDevice> strata = Strata.of(myAlertRates.followedUp(question.asOf()), device -> device.type().getCode(),
				question.ownDevices(), myMinimumPatients);
		Parameters answer = answer(question);
		strata.cells().forEach((type, devices) -> alertRates(answer.addParameter().setName("stratum"), devices.get(0).type().copy(), devices,
				strata.suppressed(type)));
		alertRates(answer.addParameter().setName("total"), new Coding().setDisplay("all device types"), strata.all(), strata.suppression().total());
		return answered(theRequest, ALERT_RATES, "de-identified alert and episode rates by device type", question, answer, chart,
				AlertRatesChart::draw);
	}

	@Operation(name = LONGEVITY, idempotent = true)
	public IBaseResource deviceLongevity(@OperationParam(name = "chart", max = 1) StringType theChart, RequestDetails theRequest) {
		Optional<Charts> chart = Charts.asked(theChart);
		Question question = question(theRequest, LONGEVITY);
		Strata<Longevity.ImplantedDevice> strata = Strata.of(myDevices.summarised(question.asOf(), myLongevity::of),
				Longevity.ImplantedDevice::modelOfManufacturer, question.ownDevices(), myMinimumPatients);
		Parameters answer = byModel(question, strata, this::longevity);
		return answered(theRequest, LONGEVITY, "de-identified device longevity by model", question, answer, chart, LongevityChart::draw);
	}

	@Operation(name = LEAD_PERFORMANCE, idempotent = true)
	public IBaseResource leadPerformance(@OperationParam(name = "chart", max = 1) StringType theChart, RequestDetails theRequest) {
		Optional<Charts> chart = Charts.asked(theChart);
		Question question = question(theRequest, LEAD_PERFORMANCE);
		List<LeadPerformance.Lead> leads = myDevices.summarised(question.asOf(), generator -> Optional.of(myLeads.of(generator, question.asOf())))
				.stream().flatMap(List::stream).toList();
		Strata<LeadPerformance.Lead> strata = Strata.of(leads, LeadPerformance.Lead::modelOfManufacturer, question.ownDevices(), myMinimumPatients);
		return answered(theRequest, LEAD_PERFORMANCE, "de-identified lead performance by model", question,
				byModel(question, strata, this::leadPerformance), chart, LeadPerformanceChart::draw);
	}

	@Operation(name = PUMP_THERAPY, idempotent = true)
	public IBaseResource pumpTherapy(@OperationParam(name = "chart", max = 1) StringType theChart, RequestDetails theRequest) {
		Optional<Charts> chart = Charts.asked(theChart);
		Question question = question(theRequest, PUMP_THERAPY);
		Parameters answer = answer(question);
		PumpTherapy.describeDoses(answer, Strata.of(PumpTherapy.doses(myPumps.prescribed(question.asOf())), PumpTherapy.Figure::stratum,
				question.ownDevices(), myMinimumPatients));
		PumpTherapy.describeRefills(answer, Strata.of(PumpTherapy.refills(myPumps.refills(question.asOf())), PumpTherapy.Figure::stratum,
				question.ownDevices(), myMinimumPatients));
		PumpTherapy.describeWarnings(answer, Strata.of(PumpTherapy.warnings(myPumps.warnings(question.asOf())), PumpTherapy.Figure::stratum,
				question.ownDevices(), myMinimumPatients));
		return answered(theRequest, PUMP_THERAPY, "de-identified intrathecal pump therapy", question, answer, chart, PumpTherapyChart::draw);
	}

	/** Strata by manufacturer and model, each described by {@code theFigures}, then all together. */
	private <T extends Strata.DeviceOfPatient & Strata.OfModel> Parameters byModel(Question theQuestion, Strata<T> theStrata,
			BiConsumer<ParametersParameterComponent, List<T>> theFigures) {
		Parameters answer = answer(theQuestion);
		theStrata.cells().forEach((model, devices) -> {
			ParametersParameterComponent stratum = answer.addParameter().setName("stratum");
			stratum.addPart().setName("manufacturer").setValue(new StringType(devices.get(0).manufacturer()));
			stratum.addPart().setName("model").setValue(new StringType(devices.get(0).model()));
			figuresUnlessSuppressed(stratum, devices, theStrata.suppressed(model), theFigures);
		});
		figuresUnlessSuppressed(answer.addParameter().setName("total"), theStrata.all(), theStrata.suppression().total(), theFigures);
		return answer;
	}

	private static <T> void figuresUnlessSuppressed(ParametersParameterComponent theStratum, List<T> theDevices, boolean theSuppressed,
			BiConsumer<ParametersParameterComponent, List<T>> theFigures) {
		if (theSuppressed) {
			Figures.suppressed(theStratum);
		} else {
			theFigures.accept(theStratum, theDevices);
		}
	}

	private Question question(RequestDetails theRequest, String theOperation) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (!MAY_ASK.test(access)) {
			throw new ForbiddenOperationException(theOperation + " is for administrators, researchers and manufacturers");
		}
		Instant asOf = LocalDate.now(myClock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
		Optional<String> manufacturer = access.manufacturer();
		return new Question(asOf, manufacturer, manufacturer.map(organization -> myManufacturers.madeBy(organization).stream()
				.map(device -> device.getIdElement().toUnqualifiedVersionless().getValue()).collect(Collectors.toSet())));
	}

	private Parameters answer(Question theQuestion) {
		Parameters answer = new Parameters();
		answer.addParameter().setName("asOf").setValue(new DateType(Date.from(theQuestion.asOf())));
		answer.addParameter().setName("minimumPatientsPerFigure").setValue(new IntegerType(myMinimumPatients));
		return answer;
	}

	private IBaseResource answered(RequestDetails theRequest, String theOperation, String theWhat, Question theQuestion, Parameters theAnswer,
			Optional<Charts> theChart, BiConsumer<Parameters, ChartCanvas> theDrawing) {
		myAudit.record(AuditEvents.operationCalled(theOperation, theWhat + theQuestion.manufacturer().map(organization -> " for " + organization).orElse(""),
				List.of(), true, AuditEvents.remoteAddress(theRequest)));
		return theChart.<IBaseResource>map(format -> format.drawn(canvas -> theDrawing.accept(theAnswer, canvas))).orElse(theAnswer);
	}

	private static void alertRates(ParametersParameterComponent theStratum, Coding theType, List<AlertRates.FollowedDevice> theDevices,
			boolean theSuppressed) {
		theStratum.addPart().setName("deviceType").setValue(theType);
		figuresUnlessSuppressed(theStratum, theDevices, theSuppressed, (stratum, devices) -> {
			AlertRates.Stratum figures = AlertRates.stratum(devices);
			stratum.addPart().setName("patients").setValue(new IntegerType(figures.patients()));
			stratum.addPart().setName("patientYears").setValue(Figures.rounded(figures.patientYears(), 1));
			stratum.addPart().setName("alerts").setValue(new IntegerType(figures.alerts()));
			figures.alertsPerPatientYear().ifPresent(rate -> stratum.addPart().setName("alertsPerPatientYear").setValue(Figures.rounded(rate, 2)));
			stratum.addPart().setName("episodes").setValue(new IntegerType(figures.episodes()));
			figures.episodesPerPatientYear().ifPresent(rate -> stratum.addPart().setName("episodesPerPatientYear").setValue(Figures.rounded(rate, 2)));
		});
	}

	/**
	 * A model's longevity: its patients and devices, how many reached RRT (when none or at least k), the
	 * yearly Kaplan–Meier points and the median where they describe at least k devices, and the battery
	 * voltage of each year since implant with at least k patients.
	 */
	private void longevity(ParametersParameterComponent theStratum, List<Longevity.ImplantedDevice> theDevices) {
		theStratum.addPart().setName("patients").setValue(new IntegerType(Strata.patients(theDevices)));
		theStratum.addPart().setName("devices").setValue(new IntegerType(theDevices.size()));
		long reached = theDevices.stream().filter(Longevity.ImplantedDevice::reachedReplacement).count();
		if (reached == 0 || reached >= myMinimumPatients) {
			theStratum.addPart().setName("reachedReplacement").setValue(new IntegerType((int) reached));
		}
		for (Longevity.SurvivalPoint point : Longevity.survival(theDevices, myMinimumPatients)) {
			ParametersParameterComponent survival = theStratum.addPart().setName("survival");
			survival.addPart().setName("yearsSinceImplant").setValue(new IntegerType(point.yearsSinceImplant()));
			survival.addPart().setName("atRisk").setValue(new IntegerType(point.atRisk()));
			survival.addPart().setName("survival").setValue(Figures.rounded(point.survival(), 3));
		}
		Longevity.medianYears(theDevices, myMinimumPatients)
				.ifPresent(median -> theStratum.addPart().setName("medianYearsToReplacement").setValue(Figures.rounded(median, 1)));
		distribution(theStratum, "batteryVoltage", YearlyDistribution.of(theDevices, Longevity.ImplantedDevice::voltages, myMinimumPatients));
	}

	/**
	 * A lead model's performance: its patients and leads, their follow-up in lead-years, their
	 * out-of-range events and the rate per lead-year, and each measurement's distribution by year since
	 * implant for the years with at least k patients.
	 */
	private void leadPerformance(ParametersParameterComponent theStratum, List<LeadPerformance.Lead> theLeads) {
		theStratum.addPart().setName("patients").setValue(new IntegerType(Strata.patients(theLeads)));
		theStratum.addPart().setName("leads").setValue(new IntegerType(theLeads.size()));
		double leadYears = theLeads.stream().mapToDouble(LeadPerformance.Lead::years).sum();
		int outOfRange = theLeads.stream().mapToInt(LeadPerformance.Lead::outOfRange).sum();
		theStratum.addPart().setName("leadYears").setValue(Figures.rounded(leadYears, 1));
		theStratum.addPart().setName("outOfRangeEvents").setValue(new IntegerType(outOfRange));
		if (leadYears > 0) {
			theStratum.addPart().setName("outOfRangePerLeadYear").setValue(Figures.rounded(outOfRange / leadYears, 2));
		}
		for (LeadPerformance.Measure measure : LeadPerformance.Measure.values()) {
			distribution(theStratum, measure.part(), YearlyDistribution.of(theLeads, lead -> lead.readings().get(measure), myMinimumPatients));
		}
	}

	private static void distribution(ParametersParameterComponent theStratum, String theName, List<YearlyDistribution.Year> theYears) {
		for (YearlyDistribution.Year year : theYears) {
			ParametersParameterComponent distribution = theStratum.addPart().setName(theName);
			distribution.addPart().setName("yearsSinceImplant").setValue(new IntegerType(year.yearsSinceImplant()));
			distribution.addPart().setName("patients").setValue(new IntegerType(year.patients()));
			distribution.addPart().setName("median").setValue(Figures.rounded(year.median(), 2));
			distribution.addPart().setName("lowerQuartile").setValue(Figures.rounded(year.lowerQuartile(), 2));
			distribution.addPart().setName("upperQuartile").setValue(Figures.rounded(year.upperQuartile(), 2));
		}
	}
}
