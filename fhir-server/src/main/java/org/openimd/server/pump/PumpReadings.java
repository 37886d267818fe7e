package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Clock;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.openimd.terminology.OpenImdUris;

/** The stored {@code pump-status} readings of a pump, as the guards need them. */
final class PumpReadings {

	private final DaoRegistry myDaos;
	private final Clock myClock;

	PumpReadings(DaoRegistry theDaos, Clock theClock) {
		myDaos = theDaos;
		myClock = theClock;
	}

	/** The pump's last reading taken at or before {@code theTime}. */
	Optional<Observation> lastStatusBefore(IIdType thePump, Date theTime) {
		SearchParameterMap last = SearchParameterMap.newSynchronous()
				.add(Observation.SP_DEVICE, new ReferenceParam(thePump.toUnqualifiedVersionless().getValue()))
				.add(Observation.SP_CODE, new TokenParam(OpenImdUris.PUMP_TELEMETRY_SYSTEM, OpenImdUris.PUMP_STATUS))
				.add(Observation.SP_DATE, new DateParam(ParamPrefixEnum.LESSTHAN_OR_EQUALS, theTime));
		last.setSort(new SortSpec(Observation.SP_DATE, SortOrderEnum.DESC));
		last.setLoadSynchronousUpTo(1);
		return myDaos.getResourceDao(Observation.class).search(last, new SystemRequestDetails()).getAllResources().stream()
				.map(Observation.class::cast).findFirst();
	}

	/**
	 * What the pump reported last: its latest reading, how many days it has been at its elective
	 * replacement indicator (empty when the reading reports no ERI, or one still to come), and its
	 * programmed low-reservoir alarm volume. An order need not repeat them: the refill interval is
	 * capped at the days left to end of service (PUMP-08) and counted to the alarm the pump will raise.
	 */
	State current(IIdType thePump) {
		LocalDate today = LocalDate.now(myClock);
		Optional<Observation> last = lastStatusBefore(thePump, Date.from(myClock.instant()));
		return new State(last,
				last.flatMap(PumpTelemetry::eriDate).filter(eri -> !eri.isAfter(today)).map(eri -> Math.toIntExact(ChronoUnit.DAYS.between(eri, today))),
				last.flatMap(reading -> PumpTelemetry.volume(reading, PumpTelemetry.LOW_RESERVOIR_ALARM_VOLUME, "mL"))
						.map(volume -> PumpAnswers.quantity(volume.toDecimal(), "mL")));
	}

	record State(Optional<Observation> reading, Optional<Integer> daysSinceEri, Optional<Quantity> alarmVolume) {}
}
