package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.hapi.fhir.cdshooks.api.ICdsServiceRegistry;
import java.time.Clock;
import org.openimd.server.fhir.ReferencePaths;
import org.openimd.server.security.PumpDataOnly;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The intrathecal pump checks: the knowledge they read, the operations, the guards on stored prescriptions, dispenses, configuration orders and readings, what a pharmacy may see, and the CDS Hooks services. */
@Configuration(proxyBeanMethods = false)
class PumpConfig {

	@Bean
	IntrathecalKnowledge intrathecalKnowledge() {
		return IntrathecalKnowledge.load();
	}

	@Bean
	PumpOperations pumpOperations(IntrathecalKnowledge theKnowledge, Clock theClock) {
		return new PumpOperations(theKnowledge, theClock);
	}

	/** A DetectedIssue concerns the version of the prescription that raised it. */
	@Bean
	ReferencePaths detectedIssueVersions() {
		return new ReferencePaths(ReferencePaths.Rule.KEEP_VERSION, "DetectedIssue.implicated");
	}

	@Bean
	PumpPrescriptionGuard pumpPrescriptionGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new PumpPrescriptionGuard(theOperations, theDaos, theClock);
	}

	@Bean
	PumpDispenseGuard pumpDispenseGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new PumpDispenseGuard(theOperations, theDaos, theClock);
	}

	@Bean
	PumpConfigurationOrders pumpConfigurationOrders(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new PumpConfigurationOrders(theOperations, theDaos, theClock);
	}

	@Bean
	PumpDataOnly pumpDataOnly(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new PumpDataOnly(new PumpData(theOperations, theDaos, theClock));
	}

	@Bean
	PumpTherapies pumpTherapies(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new StoredPumpTherapies(theOperations, theDaos, theClock);
	}

	@Bean
	PumpTelemetryGuard pumpTelemetryGuard(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		return new PumpTelemetryGuard(theOperations, theDaos, theClock);
	}

	@Bean
	PumpCdsServices pumpCdsServices(PumpOperations theOperations, ICdsServiceRegistry theRegistry) {
		PumpCdsServices services = new PumpCdsServices(theOperations);
		services.registerWith(theRegistry);
		return services;
	}

	@Bean
	PumpOperationsProvider pumpOperationsProvider(PumpOperations theOperations, PumpConfigurationOrders theConfigurations, DaoRegistry theDaos) {
		return new PumpOperationsProvider(theOperations, theConfigurations, theDaos);
	}
}
