package org.openimd.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpAuditCaptureInterceptor;
import java.time.Clock;
import org.hl7.fhir.r4.model.AuditEvent;
import org.openimd.server.fhir.InOrderTransactions;
import org.openimd.server.fhir.ReferencePaths;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The audit trail: HAPI's IHE BALP interceptor for every FHIR read, search, create, update, delete
 * and operation, OpenIMD's own events for sign-in, tokens and refusals, all stored as AuditEvents
 * that cannot be changed; and the Provenance of what is submitted.
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfig {

	@Bean
	AuditTrail auditTrail(DaoRegistry theDaos, InOrderTransactions theTransactions, Clock theClock) {
		return new AuditTrail(theDaos.getResourceDao(AuditEvent.class), theTransactions, theClock);
	}

	@Bean
	AuditEventProtection auditEventProtection() {
		return new AuditEventProtection();
	}

	/** Deleting with _expunge checks these paths; a plain delete asks AuditEventProtection. */
	@Bean
	ReferencePaths auditEventsDoNotBlockDeletes() {
		return new ReferencePaths(ReferencePaths.Rule.DO_NOT_BLOCK_DELETES, "AuditEvent.entity.what",
				"AuditEvent.entity.what.where(resolve() is Patient)", "AuditEvent.agent.who");
	}

	/** A Provenance names the version it attributes. */
	@Bean
	ReferencePaths provenanceTargetVersions() {
		return new ReferencePaths(ReferencePaths.Rule.KEEP_VERSION, "Provenance.target");
	}

	@Bean
	SubmissionProvenance submissionProvenance(DaoRegistry theDaos, Clock theClock) {
		return new SubmissionProvenance(theDaos, theClock);
	}

	@Bean
	ExportFileDisclosures exportFileDisclosures(AuditTrail theTrail, FhirContext theFhir) {
		return new ExportFileDisclosures(theTrail, theFhir);
	}

	/** For the FHIR REST server's interceptors: it sees REST requests only, not the ingest pipeline's own writes. */
	@Bean
	public BalpAuditCaptureInterceptor restAuditInterceptor(AuditTrail theTrail) {
		TokenAuditContext context = new TokenAuditContext(theTrail);
		return new BalpAfterAuthorization(context);
	}

	/**
	 * After the authorization interceptor, which refuses a response only once it sees it: a read it
	 * refuses is recorded as refused, not also as done.
	 */
	@Interceptor(order = AuthorizationConstants.ORDER_AUTH_INTERCEPTOR + 100)
	static class BalpAfterAuthorization extends BalpAuditCaptureInterceptor {

		BalpAfterAuthorization(TokenAuditContext theContext) {
			super(theContext, theContext);
		}
	}
}
