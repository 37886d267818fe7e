package org.openimd.server.waveform;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Cardiac waveforms: their operations, and the check that what is stored as one can be read as one. */
@Configuration(proxyBeanMethods = false)
class WaveformConfig {

	@Bean
	WaveformOperationsProvider waveformOperationsProvider(DaoRegistry theDaos) {
		return new WaveformOperationsProvider(theDaos);
	}

	@Bean
	WaveformGuard waveformGuard() {
		return new WaveformGuard();
	}
}
