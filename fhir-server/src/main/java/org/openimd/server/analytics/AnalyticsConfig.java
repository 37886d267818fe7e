package org.openimd.server.analytics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.deid.ManufacturersDevices;
import org.openimd.server.pump.PumpTherapies;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.OperationAccess;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AnalyticsConfig {

	@Bean
	OperationAccess deviceAlertRatesAccess() {
		return OperationAccess.onServer(AnalyticsProvider.ALERT_RATES, AnalyticsProvider.MAY_ASK);
	}

	@Bean
	OperationAccess deviceLongevityAccess() {
		return OperationAccess.onServer(AnalyticsProvider.LONGEVITY, AnalyticsProvider.MAY_ASK);
	}

	@Bean
	OperationAccess leadPerformanceAccess() {
		return OperationAccess.onServer(AnalyticsProvider.LEAD_PERFORMANCE, AnalyticsProvider.MAY_ASK);
	}

	@Bean
	OperationAccess pumpTherapyAccess() {
		return OperationAccess.onServer(AnalyticsProvider.PUMP_THERAPY, AnalyticsProvider.MAY_ASK);
	}

	/**
	 * The fewest patients a shown figure may describe: 11 by default, the threshold the US Centers for
	 * Medicare & Medicaid Services' cell-size suppression policy sets for released counts (a project
	 * decision to follow it).
	 */
	@Bean
	AnalyticsProvider analyticsProvider(DaoRegistry theDaos, AlertKnowledge theKnowledge, PumpTherapies thePumps, ManufacturersDevices theManufacturers,
			CareRelationships theCare, AuditTrail theAudit, Clock theClock,
			@Value("${openimd.analytics.minimum-patients-per-figure:11}") int theMinimumPatients) {
		if (theMinimumPatients < 2) {
			throw new IllegalStateException("openimd.analytics.minimum-patients-per-figure must be at least 2, not " + theMinimumPatients);
		}
		CardiacDevices devices = new CardiacDevices(theDaos);
		return new AnalyticsProvider(devices, new AlertRates(devices), new Longevity(theKnowledge), new LeadPerformance(devices), thePumps, theManufacturers, theCare, theAudit,
				theClock, theMinimumPatients);
	}
}
