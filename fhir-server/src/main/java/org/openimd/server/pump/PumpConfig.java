package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The intrathecal pump checks: the knowledge they read, the operations, and the guard on stored prescriptions. */
@Configuration(proxyBeanMethods = false)
class PumpConfig {

	@Bean
	PumpOperations pumpOperations() {
		return new PumpOperations(IntrathecalKnowledge.load(), Clock.systemDefaultZone());
	}

	@Bean
	PumpOperationsProvider pumpOperationsProvider(PumpOperations theOperations, DaoRegistry theDaos) {
		return new PumpOperationsProvider(theOperations, theDaos);
	}
}
