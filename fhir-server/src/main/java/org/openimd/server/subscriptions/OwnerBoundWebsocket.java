package org.openimd.server.subscriptions;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.openimd.server.security.ResourceOwners;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * HAPI's websocket handler, for owners only: a connection binds ({@code bind <id>}) only a subscription
 * created by whom its bearer token speaks for. Anything else closes the connection, with the same
 * answer for someone else's subscription as for one that does not exist. What is then delivered has
 * passed {@link NotificationGate} like any notification.
 */
class OwnerBoundWebsocket extends WebSocketHandlerDecorator {

	private static final String BIND = "bind ";

	private final DaoRegistry myDaos;

	OwnerBoundWebsocket(WebSocketHandler theHapiHandler, DaoRegistry theDaos) {
		super(theHapiHandler);
		myDaos = theDaos;
	}

	@Override
	public void handleMessage(WebSocketSession theSession, WebSocketMessage<?> theMessage) throws Exception {
		if (theMessage instanceof TextMessage text && text.getPayload().startsWith(BIND) && !owns(theSession, text.getPayload().substring(BIND.length()).trim())) {
			theSession.close(CloseStatus.POLICY_VIOLATION.withReason("no such subscription of yours"));
			return;
		}
		super.handleMessage(theSession, theMessage);
	}

	private boolean owns(WebSocketSession theSession, String theSubscription) {
		if (!(theSession.getPrincipal() instanceof JwtAuthenticationToken caller)) {
			return false;
		}
		try {
			IBaseResource subscription = myDaos.getResourceDao("Subscription").read(new IdType("Subscription", new IdType(theSubscription).getIdPart()),
					new SystemRequestDetails());
			return ResourceOwners.ownedBy(subscription, caller.getToken());
		} catch (BaseServerResponseException | IllegalArgumentException unknownOrMalformed) {
			return false;
		}
	}
}
