package org.openimd.server.waveform;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.openimd.server.fhir.CheckedWhenStored;
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
	WaveformGuard waveformGuard(IInterceptorService theInterceptors) {
		return CheckedWhenStored.registered(theInterceptors, new WaveformGuard());
	}
}
