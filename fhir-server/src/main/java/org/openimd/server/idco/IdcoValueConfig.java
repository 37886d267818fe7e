package org.openimd.server.idco;

import javax.sql.DataSource;
import org.openimd.server.fhir.FhirServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Switches on the correlated IDCO value index and its {@code idco-value} search parameter. */
@Configuration(proxyBeanMethods = false)
class IdcoValueConfig {

	@Bean
	IdcoValueIndex idcoValueIndex(DataSource theDataSource) {
		IdcoValueIndex index = new IdcoValueIndex(theDataSource);
		index.createSchema();
		return index;
	}

	@Bean
	IdcoValueInterceptor idcoValueInterceptor(IdcoValueIndex theIndex, FhirServerProperties theProperties) {
		return new IdcoValueInterceptor(theIndex, theProperties.idcoValueMaxMatches());
	}
}
