package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.server.ClusterJob;
import org.openimd.server.fhir.InOrderTransactions;
import org.openimd.server.terminology.GeneratedCodeSystem;
import org.openimd.terminology.alerts.AlertKnowledge;
import org.openimd.terminology.alerts.AlertRuleCodeSystem;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/** Remote-monitoring alerts: each new transmission judged by the alert rules after it commits, and triaged. */
@Configuration(proxyBeanMethods = false)
class AlertsConfig {

	@Bean
	AlertKnowledge alertKnowledge() {
		return AlertKnowledge.load();
	}

	/** The rules as the CodeSystem of the DetectedIssues' codes. */
	@Bean
	GeneratedCodeSystem alertRules(AlertKnowledge theRules) {
		return () -> AlertRuleCodeSystem.from(theRules);
	}

	/** One triage at a time, off the request that stored the transmission: an ACK never waits for a judgement. */
	@Bean
	ThreadPoolTaskExecutor triageWorker() {
		ThreadPoolTaskExecutor worker = new ThreadPoolTaskExecutor();
		worker.setCorePoolSize(1);
		worker.setMaxPoolSize(1);
		worker.setThreadNamePrefix("openimd-triage-");
		worker.setWaitForTasksToCompleteOnShutdown(true);
		return worker;
	}

	@Bean
	TransmissionTriage transmissionTriage(DaoRegistry theDaos, InOrderTransactions theTransactions, AlertKnowledge theKnowledge,
			AlertProperties theProperties, ThreadPoolTaskExecutor triageWorker, MeterRegistry theMeters, Clock theClock) {
		return new TransmissionTriage(theDaos, theTransactions, new AlertJudge(theKnowledge, theProperties.parameters()),
				new AlertSuppression(theDaos, theProperties.suppressionWindow(), theClock), theKnowledge, IntrathecalKnowledge.load(),
				new ClinicTasks(theDaos, theClock), new TransmissionSchedules(theDaos, theKnowledge), triageWorker, theMeters, theClock);
	}

	/** Missed transmissions, looked for every {@code openimd.schedules.check-every} once the clinic has set a grace period. */
	@Bean
	@ConditionalOnProperty("openimd.schedules.grace")
	MissedTransmissions missedTransmissions(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, ScheduleProperties theProperties,
			Clock theClock) {
		return new MissedTransmissions(theDaos, theSystemDao, new ClinicTasks(theDaos, theClock), theProperties.grace());
	}

	@Bean
	@ConditionalOnProperty("openimd.schedules.grace")
	ClusterJob missedTransmissionChecks(MissedTransmissions theMissed, ScheduleProperties theProperties, Clock theClock) {
		return new ClusterJob("missed-transmissions", theProperties.checkEvery(), () -> theMissed.check(theClock.instant()));
	}

	@Bean
	MonitoringPeriodsProvider monitoringPeriods(DaoRegistry theDaos, AlertKnowledge theKnowledge, Clock theClock) {
		return new MonitoringPeriodsProvider(theDaos, theKnowledge, theClock);
	}

	@Bean
	TransmissionArrivals transmissionArrivals(ApplicationEventPublisher theEvents) {
		return new TransmissionArrivals(theEvents);
	}

	@Bean
	TriageTimes triageTimes(MeterRegistry theMeters, Clock theClock) {
		return new TriageTimes(theMeters, theClock);
	}

	/** The open review Tasks in the worklist's order, kept beside HAPI's tables for the worklist's first page. */
	@Bean
	ReviewWorklistInterceptor reviewWorklist(JdbcTemplate theJdbc) {
		return new ReviewWorklistInterceptor(new ReviewWorklist(theJdbc));
	}
}
