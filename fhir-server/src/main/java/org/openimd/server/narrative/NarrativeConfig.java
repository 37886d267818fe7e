package org.openimd.server.narrative;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import org.openimd.terminology.IdcoTermTable;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Generated narratives: OpenIMD's templates for device data and prescriptions first, then HAPI's own
 * (Patient, OperationOutcome). The generator is used only when resources are stored, not set on the
 * shared FhirContext, whose parsers would otherwise render one into every resource they write.
 */
@Configuration(proxyBeanMethods = false)
class NarrativeConfig {

	private static final String OPENIMD_TEMPLATES = "classpath:org/openimd/server/narrative/narratives.properties";
	private static final String HAPI_TEMPLATES = "classpath:ca/uhn/fhir/narrative/narratives.properties";

	@Bean
	ReadableResources readableResources(FhirContext theContext, IValidationSupport theTerminology, IdcoTermTable theTerms) {
		return new ReadableResources(theContext, generator(theTerms), theTerminology);
	}

	static ResourceTypeNarratives generator(IdcoTermTable theTerms) {
		return new ResourceTypeNarratives(new ReadableLabels(theTerms), OPENIMD_TEMPLATES, HAPI_TEMPLATES);
	}
}
