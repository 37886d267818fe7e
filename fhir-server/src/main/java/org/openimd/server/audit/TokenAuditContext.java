package org.openimd.server.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditContextServices;
import ca.uhn.fhir.storage.interceptor.balp.IBalpAuditEventSink;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.security.SmartClaims;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Tells HAPI's BALP interceptor who is asking: the client and the person (or system) from the bearer
 * token, and, as BALP's OAuth token-use profiles ask, the token's {@code jti} as the requestor's
 * policy, added to every event on its way to the {@link AuditTrail}.
 */
class TokenAuditContext implements IBalpAuditContextServices, IBalpAuditEventSink {

	private final AuditTrail myTrail;

	TokenAuditContext(AuditTrail theTrail) {
		myTrail = theTrail;
	}

	@Override
	public Reference getAgentClientWho(RequestDetails theRequestDetails) {
		return AuditEvents.currentToken()
				.map(token -> Optional.ofNullable(token.getClaimAsString(SmartClaims.CLIENT_ID)).orElse(token.getSubject()))
				.map(AuditEvents::clientReference)
				.orElseGet(() -> new Reference().setDisplay("unknown client"));
	}

	@Override
	public Reference getAgentUserWho(RequestDetails theRequestDetails) {
		return AuditEvents.currentToken().map(AuditEvents::tokenHolder).orElseGet(() -> new Reference().setDisplay("unknown user"));
	}

	/**
	 * Relative references, as everything else in this server holds: HAPI's default, absolute URLs
	 * under the base the request used, would be external references, which storage refuses.
	 */
	@Override
	public String massageResourceIdForStorage(RequestDetails theRequestDetails, IBaseResource theResource, IIdType theResourceId) {
		return theResourceId.toUnqualifiedVersionless().getValue();
	}

	@Override
	public void recordAuditEvent(AuditEvent theAuditEvent) {
		Optional<Jwt> token = AuditEvents.currentToken();
		token.ifPresent(jwt -> theAuditEvent.getAgent().stream()
				.filter(AuditEvent.AuditEventAgentComponent::getRequestor)
				.forEach(requestor -> requestor.addPolicy(AuditEvents.JTI_PREFIX + jwt.getId())));
		if ("delete".equals(theAuditEvent.getSubtypeFirstRep().getCode())) {
			AuditEvents.nameDeletedResourcesByIdentifier(theAuditEvent);
		}
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			// Create, update and delete events come before their commit: the writer must not store a reference to
			// a resource that is not there yet, nor record what a rollback undid.
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					myTrail.record(theAuditEvent);
				}
			});
		} else {
			myTrail.record(theAuditEvent);
		}
	}
}
