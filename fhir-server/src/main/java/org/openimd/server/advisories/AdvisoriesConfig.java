package org.openimd.server.advisories;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import java.time.Clock;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Communication;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.deid.ManufacturersDevices;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.OperationAccess;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class AdvisoriesConfig {

	@Bean
	OperationAccess publishAdvisoryAccess() {
		return OperationAccess.onServer(AdvisoryProvider.PUBLISH, AdvisoryProvider.MAY_PUBLISH);
	}

	@Bean
	OperationAccess advisoryStatusAccess() {
		return OperationAccess.onInstancesOf(AdvisoryProvider.STATUS, Communication.class, AdvisoryProvider.MAY_PUBLISH);
	}

	@Bean
	OperationAccess publishInformationAccess() {
		return OperationAccess.onServer(PatientInformationProvider.PUBLISH, PatientInformationProvider.MAY_PUBLISH);
	}

	@Bean
	AdvisoryProvider advisoryProvider(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, ManufacturersDevices theManufacturers,
			CareRelationships theCare, AuditTrail theAudit, Clock theClock) {
		return new AdvisoryProvider(theDaos, theSystemDao, theManufacturers, theCare, theAudit, theClock);
	}

	@Bean
	PatientInformationProvider patientInformationProvider(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, CareRelationships theCare,
			AuditTrail theAudit, Clock theClock) {
		return new PatientInformationProvider(theDaos, theSystemDao, theCare, theAudit, theClock);
	}
}
