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
	 * How many days the pump has been at its elective replacement indicator, by its latest reading; empty
	 * when that reading reports no ERI, or one still to come. A prescription then need not say it: the
	 * refill interval is capped at the days left to end of service (PUMP-08) from what the pump reported.
	 */
	Optional<Integer> daysSinceEri(IIdType thePump) {
		LocalDate today = LocalDate.now(myClock);
		return lastStatusBefore(thePump, Date.from(myClock.instant())).flatMap(PumpTelemetry::eriDate)
				.filter(eri -> !eri.isAfter(today))
				.map(eri -> Math.toIntExact(ChronoUnit.DAYS.between(eri, today)));
	}
}
