package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.security.CallerReads;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.openimd.terminology.alerts.AlertKnowledge.MonitoringPeriod;

/**
 * {@code Patient/[id]/$monitoring-periods}: for each implanted device of the patient that transmits,
 * its remote monitoring periods (90 days a pacemaker or ICD, 30 a loop recorder, the first from its
 * first transmission, each next one on day 91 or 31), the transmissions received in each and the
 * interpretations done of them (their triage Tasks, completed), with the CPT codes billed once per
 * period and whether the period may be reported yet: at least one interpretation, and as much
 * monitoring as the codes ask (30 days for the 90-day codes). Everything is read as the caller: what
 * they may not read is neither listed nor counted.
 */
public class MonitoringPeriodsProvider {

	static final String CPT = "http://www.ama-assn.org/go/cpt";

	private final DaoRegistry myDaos;
	private final AlertKnowledge myKnowledge;
	private final Clock myClock;

	MonitoringPeriodsProvider(DaoRegistry theDaos, AlertKnowledge theKnowledge, Clock theClock) {
		myDaos = theDaos;
		myKnowledge = theKnowledge;
		myClock = theClock;
	}

	@Operation(name = "$monitoring-periods", type = Patient.class, idempotent = true)
	public Parameters monitoringPeriods(@IdParam IdType thePatient, RequestDetails theRequest) {
		Patient patient = CallerReads.read(myDaos.getResourceDao(Patient.class), thePatient, theRequest);
		String patientId = patient.getIdElement().toUnqualifiedVersionless().getValue();
		Parameters answer = new Parameters();
		for (Device device : readable(Device.class, SearchParameterMap.newSynchronous().add(Device.SP_PATIENT, new ReferenceParam(patientId)), theRequest)) {
			Optional<MonitoringPeriod> period = Transmission.deviceKind(device).flatMap(myKnowledge::monitoringPeriod);
			String deviceId = device.getIdElement().toUnqualifiedVersionless().getValue();
			List<DiagnosticReport> transmissions = readable(DiagnosticReport.class, SearchParameterMap.newSynchronous()
					.add("device", new ReferenceParam(deviceId))
					.setSort(new SortSpec(DiagnosticReport.SP_DATE)), theRequest).stream().filter(DiagnosticReport::hasEffectiveDateTimeType).toList();
			if (period.isPresent() && !transmissions.isEmpty()) {
				answer.addParameter(periodsOf(deviceId, period.get(), transmissions, interpretationsOf(transmissions, theRequest)));
			}
		}
		return answer;
	}

	private Parameters.ParametersParameterComponent periodsOf(String theDevice, MonitoringPeriod thePeriod, List<DiagnosticReport> theTransmissions,
			Map<String, List<Task>> theInterpretations) {
		Instant start = session(theTransmissions.get(0));
		Instant now = myClock.instant();
		Duration length = Duration.ofDays(thePeriod.days());
		Parameters.ParametersParameterComponent device = new Parameters.ParametersParameterComponent().setName("device");
		device.addPart().setName("device").setValue(new Reference(theDevice));
		device.addPart().setName("kind").setValue(new StringType(thePeriod.device()));
		device.addPart().setName("monitoringStart").setValue(new DateTimeType(Date.from(start)));
		device.addPart().setName("source").setValue(new StringType(thePeriod.citation().toString()));
		for (Instant from = start; from.isBefore(now); from = from.plus(length)) {
			Instant to = from.plus(length);
			Instant periodFrom = from;
			List<DiagnosticReport> inPeriod = theTransmissions.stream()
					.filter(report -> !session(report).isBefore(periodFrom) && session(report).isBefore(to)).toList();
			List<Task> interpretations = inPeriod.stream()
					.flatMap(report -> theInterpretations.getOrDefault(report.getIdElement().toUnqualifiedVersionless().getValue(), List.of()).stream())
					.toList();
			long monitoredDays = Duration.between(from, to.isBefore(now) ? to : now).toDays();
			Parameters.ParametersParameterComponent part = device.addPart().setName("period");
			part.addPart().setName("start").setValue(new DateTimeType(Date.from(from)));
			part.addPart().setName("end").setValue(new DateTimeType(Date.from(to)));
			part.addPart().setName("current").setValue(new BooleanType(!to.isBefore(now)));
			part.addPart().setName("monitoredDays").setValue(new IntegerType(monitoredDays));
			part.addPart().setName("professional").setValue(new Coding(CPT, thePeriod.professional(), null));
			thePeriod.technical().ifPresent(code -> part.addPart().setName("technical").setValue(new Coding(CPT, code, null)));
			inPeriod.forEach(report -> part.addPart().setName("transmission").setValue(new Reference(report.getIdElement().toUnqualifiedVersionless())));
			interpretations.forEach(task -> part.addPart().setName("interpretation").setValue(new Reference(task.getIdElement().toUnqualifiedVersionless())));
			boolean enoughMonitoring = thePeriod.minimumDays().map(minimum -> monitoredDays >= minimum).orElse(true);
			part.addPart().setName("reportable").setValue(new BooleanType(!interpretations.isEmpty() && enoughMonitoring));
		}
		return device;
	}

	/**
	 * The completed triage Tasks of {@code theReports}, each a clinician's interpretation of its
	 * transmission, by the transmission they interpret: one search for all of a device's transmissions.
	 */
	private Map<String, List<Task>> interpretationsOf(List<DiagnosticReport> theReports, RequestDetails theRequest) {
		TokenOrListParam transmissions = new TokenOrListParam();
		theReports.forEach(report -> transmissions.addOr(new TokenParam(OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER,
				report.getIdElement().toUnqualifiedVersionless().getValue())));
		return readable(Task.class, SearchParameterMap.newSynchronous()
				.add(Task.SP_IDENTIFIER, transmissions)
				.add(Task.SP_STATUS, new TokenParam(Task.TaskStatus.COMPLETED.toCode())), theRequest).stream()
				.collect(Collectors.groupingBy(task -> task.getIdentifier().stream()
						.filter(identifier -> OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER.equals(identifier.getSystem()))
						.map(identifier -> identifier.getValue()).findFirst().orElse("")));
	}

	private static Instant session(DiagnosticReport theReport) {
		return theReport.getEffectiveDateTimeType().getValue().toInstant();
	}

	/** What {@code theSearch} finds that the caller may read. */
	private <T extends IBaseResource> List<T> readable(Class<T> theType, SearchParameterMap theSearch, RequestDetails theCaller) {
		IFhirResourceDao<T> dao = myDaos.getResourceDao(theType);
		List<T> found = new ArrayList<>();
		for (IBaseResource resource : dao.search(theSearch, new SystemRequestDetails()).getAllResources()) {
			if (CallerReads.mayRead(dao, resource.getIdElement(), theCaller)) {
				found.add(theType.cast(resource));
			}
		}
		return found;
	}
}
