package org.openimd.server.terminology;

import org.openimd.terminology.IdcoCodeSystem;
import org.openimd.terminology.IdcoTermTable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The IEEE 11073-10103 term table, read once for everything that maps, stores or compares IDCO terms, and stored as a CodeSystem. */
@Configuration(proxyBeanMethods = false)
class TerminologyConfig {

	@Bean
	IdcoTermTable idcoTermTable() {
		return IdcoTermTable.load();
	}

	@Bean
	GeneratedCodeSystem idcoTerms(IdcoTermTable theTerms) {
		return () -> IdcoCodeSystem.from(theTerms);
	}
}
