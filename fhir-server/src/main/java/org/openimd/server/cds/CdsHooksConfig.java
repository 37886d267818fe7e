package org.openimd.server.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.server.cdshooks.CdsServiceRequestJson;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.hapi.fhir.cdshooks.api.CDSHooksVersion;
import ca.uhn.hapi.fhir.cdshooks.api.CdsResolutionStrategyEnum;
import ca.uhn.hapi.fhir.cdshooks.api.ICdsServiceMethod;
import ca.uhn.hapi.fhir.cdshooks.api.ICdsServiceRegistry;
import ca.uhn.hapi.fhir.cdshooks.module.CdsHooksObjectMapperFactory;
import ca.uhn.hapi.fhir.cdshooks.serializer.CdsServiceRequestJsonDeserializer;
import ca.uhn.hapi.fhir.cdshooks.svc.CdsHooksContextBooter;
import ca.uhn.hapi.fhir.cdshooks.svc.CdsServiceRegistryImpl;
import ca.uhn.hapi.fhir.cdshooks.svc.prefetch.CdsPrefetchDaoSvc;
import ca.uhn.hapi.fhir.cdshooks.svc.prefetch.CdsPrefetchFhirClientSvc;
import ca.uhn.hapi.fhir.cdshooks.svc.prefetch.CdsPrefetchSvc;
import ca.uhn.hapi.fhir.cdshooks.svc.prefetch.CdsResolutionStrategySvc;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.EnumSet;
import java.util.Set;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * CDS Hooks on HAPI's service registry, request deserializer and JSON models, wired by hand rather
 * than through HAPI's {@code CdsHooksConfig}: that one publishes its ObjectMapper as a bean, which
 * would replace Spring Boot's for every other JSON endpoint. Services register themselves with
 * {@link ICdsServiceRegistry#registerService}; {@link CdsServicesController} serves them.
 *
 * <p>A service gets what the CDS client sends (context and prefetch) and nothing this server fetches
 * for it: HAPI would read a missing prefetch from storage without the caller's authorization.
 */
@Configuration(proxyBeanMethods = false)
class CdsHooksConfig {

	@Bean
	ICdsServiceRegistry cdsServiceRegistry(FhirContext theFhir) {
		ObjectMapper json = new CdsHooksObjectMapperFactory(theFhir).newMapper();
		CdsPrefetchSvc prefetch = new CdsPrefetchSvc(new ClientSuppliedPrefetchOnly(), new CdsPrefetchDaoSvc(null, null, theFhir),
				new CdsPrefetchFhirClientSvc(theFhir), resource -> {
					throw new ForbiddenOperationException("CDS services here read nothing from storage");
				}, null);
		return new CdsServiceRegistryImpl(new CdsHooksContextBooter(), prefetch, json, new CdsServiceRequestJsonDeserializer(theFhir, json),
				CDSHooksVersion.V_1_1);
	}

	/** Leaves whatever prefetch the client did not send to the service, which decides what it can do without. */
	private static final class ClientSuppliedPrefetchOnly extends CdsResolutionStrategySvc {

		ClientSuppliedPrefetchOnly() {
			super(null);
		}

		@Override
		public Set<CdsResolutionStrategyEnum> determineResolutionStrategy(ICdsServiceMethod theMethod, CdsServiceRequestJson theRequest) {
			return EnumSet.of(CdsResolutionStrategyEnum.NONE, CdsResolutionStrategyEnum.SERVICE);
		}
	}
}
