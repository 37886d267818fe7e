package org.openimd.server.idco;

import org.openimd.server.fhir.FhirServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/** Switches on the correlated IDCO value index and its {@code idco-value} search parameter. */
@Configuration(proxyBeanMethods = false)
class IdcoValueConfig {

	@Bean
	IdcoValueIndex idcoValueIndex(JdbcTemplate theJdbc) {
		return new IdcoValueIndex(theJdbc);
	}

	@Bean
	IdcoValueInterceptor idcoValueInterceptor(IdcoValueIndex theIndex, FhirServerProperties theProperties) {
		return new IdcoValueInterceptor(theIndex, theProperties.idcoValueMaxMatches());
	}
}
