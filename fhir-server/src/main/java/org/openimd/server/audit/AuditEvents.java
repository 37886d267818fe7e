package org.openimd.server.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.security.SmartClaims;
import org.openimd.terminology.OpenImdUris;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The AuditEvents OpenIMD records beyond the RESTful ones HAPI's BALP interceptor makes: sign-in,
 * token issue and refused requests, in the shape ATNA and IHE BALP give them (DICOM event codes, a
 * requestor agent for the person or system, the token's {@code jti} as the agent's policy as BALP's
 * OAuth profiles do, the network address).
 */
public final class AuditEvents {

	public static final String DICOM = "http://dicom.nema.org/resources/ontology/DCM";
	public static final String IHE_EVENT_TYPE = "urn:ihe:event-type-code";
	/** Who a client is: its OAuth client_id. */
	public static final String CLIENT_ID_SYSTEM = "urn:ietf:params:oauth:client-id";
	/** Who a person is when no FHIR resource stands for them: their OpenIMD username. */
	public static final String USERNAME_SYSTEM = "urn:openimd:username";
	/** What a delete event deleted: a relative resource id, which storage would refuse as a reference. */
	public static final String DELETED_RESOURCE_SYSTEM = "urn:openimd:deleted-resource";
	/** A resource named by its relative id where a reference could not be stored yet: its write is not committed when the event is. */
	public static final String RESOURCE_ID_SYSTEM = "urn:openimd:resource-id";
	static final String JTI_PREFIX = "urn:ietf:params:oauth:jti:";

	static final Coding USER_AUTHENTICATION = new Coding(DICOM, "110114", "User Authentication");
	static final Coding LOGIN = new Coding(DICOM, "110122", "Login");
	static final Coding LOGOUT = new Coding(DICOM, "110123", "Logout");
	static final Coding SECURITY_ALERT = new Coding(DICOM, "110113", "Security Alert");
	static final Coding USE_OF_RESTRICTED_FUNCTION = new Coding(DICOM, "110132", "Use of a restricted function");
	static final Coding GET_ACCESS_TOKEN = new Coding(IHE_EVENT_TYPE, "ITI-71", "Get Access Token");
	private static final Coding APPLICATION = new Coding(DICOM, "110150", "Application");
	static final Coding IMPORT = new Coding(DICOM, "110107", "Import");
	static final Coding SECURITY_CONFIGURATION = new Coding(DICOM, "110129", "Security Configuration");
	private static final Coding SOURCE_ROLE = new Coding(DICOM, "110153", "Source Role ID");
	private static final Coding DESTINATION_ROLE = new Coding(DICOM, "110152", "Destination Role ID");
	static final Coding EXPORT = new Coding(DICOM, "110106", "Export");
	static final Coding DISCLOSE = new Coding("http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle", "disclose", "Disclose Record Lifecycle Event");
	private static final String HL7V2_MESSAGE_STRUCTURE = "http://terminology.hl7.org/CodeSystem/v2-0354";
	/** Names a message in the ingest store ({@code GET /ingest/messages/{id}}). */
	public static final String INGEST_MESSAGE_SYSTEM = "urn:openimd:ingest-message";
	private static final Coding INFORMATION_RECIPIENT =
			new Coding("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient");

	private AuditEvents() {}

	/** A person's sign-in step (password or authenticator code), accepted or not. */
	public static AuditEvent signIn(String theUsername, String theStep, boolean theAccepted, String theRemoteAddress) {
		AuditEvent event = base(USER_AUTHENTICATION, LOGIN, AuditEventAction.E, theAccepted, theStep);
		requestor(event, new Reference().setIdentifier(new Identifier().setSystem(USERNAME_SYSTEM).setValue(theUsername)), INFORMATION_RECIPIENT,
				theRemoteAddress);
		return event;
	}

	/** A person signed out (their session ended); {@code theUsername} is null when nobody was signed in. */
	public static AuditEvent signOut(String theUsername, String theRemoteAddress) {
		AuditEvent event = base(USER_AUTHENTICATION, LOGOUT, AuditEventAction.E, true, theUsername == null ? "no one was signed in" : "signed out");
		requestor(event, theUsername == null ? new Reference().setDisplay("anonymous")
				: new Reference().setIdentifier(new Identifier().setSystem(USERNAME_SYSTEM).setValue(theUsername)), INFORMATION_RECIPIENT,
				theRemoteAddress);
		return event;
	}

	/**
	 * An access token issued, after IHE IUA's Get Access Token [ITI-71]: the client, the person it
	 * acts for if any, the scopes granted and the token's {@code jti}.
	 */
	public static AuditEvent tokenIssued(String theClientId, Optional<String> thePerson, String theGrantType, String theScopes,
			String theJti) {
		AuditEvent event = base(USER_AUTHENTICATION, GET_ACCESS_TOKEN, AuditEventAction.E, true,
				theGrantType + " granted " + theScopes);
		AuditEventAgentComponent client = event.addAgent().setRequestor(thePerson.isEmpty())
				.setWho(clientReference(theClientId));
		client.getType().addCoding(APPLICATION.copy());
		client.addPolicy(JTI_PREFIX + theJti);
		thePerson.ifPresent(username -> event.addAgent().setRequestor(true)
				.setWho(new Reference().setIdentifier(new Identifier().setSystem(USERNAME_SYSTEM).setValue(username)))
				.addPolicy(JTI_PREFIX + theJti)
				.getType().addCoding(INFORMATION_RECIPIENT.copy()));
		return event;
	}

	/**
	 * A message a sender delivered (HL7 v2 over MLLP or HTTP), as DICOM's Import: the sending
	 * application and facility as requestor, the message as stored (by its id in the ingest store and its
	 * control id), and, once accepted, the patient its data was stored for.
	 *
	 * @param theStatus what became of it: ACCEPTED, DUPLICATE or REJECTED
	 */
	public static AuditEvent messageImported(long theMessageId, Optional<String> theSender, Optional<String> theMessageType,
			Optional<String> theControlId, String theRemoteAddress, String theStatus, boolean theSucceeded, Optional<String> thePatient) {
		Coding structure = new Coding(HL7V2_MESSAGE_STRUCTURE, theMessageType.map(type -> type.replace('^', '_')).orElse(null), null);
		AuditEvent event = base(IMPORT, structure, AuditEventAction.C, theSucceeded, theStatus + " " + theMessageType.orElse("unreadable message")
				+ " from " + theSender.orElse("an unknown sender") + theControlId.map(controlId -> " (" + controlId + ")").orElse(""));
		requestor(event, new Reference().setIdentifier(new Identifier().setSystem(OpenImdUris.HL7V2_APPLICATION_IDENTIFIER)
				.setValue(theSender.orElse(null))).setDisplay(theSender.orElse("unknown sender")), SOURCE_ROLE, theRemoteAddress);
		AuditEvent.AuditEventEntityComponent message = event.addEntity().setWhat(new Reference().setIdentifier(new Identifier()
				.setSystem(INGEST_MESSAGE_SYSTEM).setValue(Long.toString(theMessageId))).setDisplay(theControlId.orElse(null)));
		message.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
				.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
		thePatient.ifPresent(patient -> patientEntity(event, new Reference(patient)));
		return event;
	}

	/** The address a FHIR request came from, as the audit trail names it; null for the server's own requests. */
	public static String remoteAddress(RequestDetails theRequest) {
		return theRequest instanceof ServletRequestDetails servlet ? servlet.getServletRequest().getRemoteAddr() : null;
	}

	/** An administrator changed who may call the server: a client registered, by the holder of this request's token. */
	public static AuditEvent securityConfigured(String theClientId, String theDescription, String theRemoteAddress) {
		return securityConfiguration(AuditEventAction.C, theDescription, theRemoteAddress, clientReference(theClientId));
	}

	/**
	 * Who may reach whose data changed: a resource the access rules read (a care team, a review group)
	 * was created, changed or deleted through the API, by the holder of this request's token.
	 */
	public static AuditEvent accessChanged(String theResource, AuditEventAction theAction, String theDescription, String theRemoteAddress) {
		return securityConfiguration(theAction, theDescription, theRemoteAddress,
				new Reference().setIdentifier(new Identifier().setSystem(RESOURCE_ID_SYSTEM).setValue(theResource)).setDisplay(theResource));
	}

	private static AuditEvent securityConfiguration(AuditEventAction theAction, String theDescription, String theRemoteAddress,
			Reference theWhat) {
		AuditEvent event = base(SECURITY_ALERT, SECURITY_CONFIGURATION, theAction, true, theDescription);
		AuditEventAgentComponent administrator = requestor(event,
				currentToken().map(AuditEvents::tokenHolder).orElseGet(() -> new Reference().setDisplay("unknown")), INFORMATION_RECIPIENT,
				theRemoteAddress);
		currentToken().ifPresent(jwt -> administrator.addPolicy(JTI_PREFIX + jwt.getId()));
		AuditEvent.AuditEventEntityComponent client = event.addEntity().setWhat(theWhat);
		client.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
				.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
		return event;
	}

	/** A signed-in person replaced their recovery codes with new ones. */
	public static AuditEvent recoveryCodesIssued(String theUsername, String theRemoteAddress) {
		AuditEvent event = base(SECURITY_ALERT, SECURITY_CONFIGURATION, AuditEventAction.U, true, "new recovery codes issued to the person");
		requestor(event, new Reference().setIdentifier(new Identifier().setSystem(USERNAME_SYSTEM).setValue(theUsername)), INFORMATION_RECIPIENT,
				theRemoteAddress);
		return event;
	}

	/** A request refused with {@code theStatus} (401 or 403), and whose token it carried, if any. */
	public static AuditEvent refused(String theMethod, String thePath, int theStatus, String theRemoteAddress) {
		AuditEvent event = base(SECURITY_ALERT, USE_OF_RESTRICTED_FUNCTION, action(theMethod), false,
				theStatus + " " + theMethod + " " + thePath);
		Optional<Jwt> token = currentToken();
		Reference who = token.map(AuditEvents::tokenHolder)
				.orElseGet(() -> new Reference().setDisplay("no valid access token"));
		AuditEventAgentComponent requestor = requestor(event, who, INFORMATION_RECIPIENT, theRemoteAddress);
		token.ifPresent(jwt -> {
			requestor.addPolicy(JTI_PREFIX + jwt.getId());
			Optional.ofNullable(jwt.getClaimAsString(SmartClaims.CLIENT_ID)).ifPresent(clientId -> event.addAgent()
					.setRequestor(false).setWho(clientReference(clientId)).getType().addCoding(APPLICATION.copy()));
		});
		event.addEntity().setName(thePath).setWhat(new Reference().setDisplay(thePath)).setDescription(theMethod + " " + thePath)
				.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
				.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
		return event;
	}

	/**
	 * A CDS Hooks service called, recorded as BALP records a FHIR operation: the client whose signed
	 * JWT the request carried, the service, and the patient in the hook's context. That patient lives
	 * on the client's FHIR server, so it is named, not referenced.
	 *
	 * @param thePatient the context's {@code patientId}, with the client's {@code fhirServer} when given
	 */
	public static AuditEvent cdsServiceCalled(String theServiceId, Optional<String> thePatient, boolean theSucceeded,
			String theRemoteAddress) {
		return operationCalled("cds-services/" + theServiceId, "CDS Hooks service " + theServiceId,
				thePatient.map(patient -> List.of(new Reference().setType("Patient").setDisplay(patient))).orElse(List.of()), theSucceeded,
				theRemoteAddress);
	}

	/**
	 * An operation the BALP interceptor does not see (a CDS Hooks call, a de-identified export), by the
	 * holder of this request's token, with one entity per patient whose data it concerned.
	 *
	 * @param thePath what was called, such as {@code $manufacturer-export}
	 * @param thePatients the patients: references to ours, or, for another server's, their names
	 */
	public static AuditEvent operationCalled(String thePath, String theDescription, List<Reference> thePatients, boolean theSucceeded,
			String theRemoteAddress) {
		AuditEvent event = base(new Coding(BalpConstants.CS_AUDIT_EVENT_TYPE, "rest", "Restful Operation"),
				new Coding(BalpConstants.CS_RESTFUL_INTERACTION, "operation", "operation"), AuditEventAction.E, theSucceeded, theDescription);
		Reference who = currentToken().map(AuditEvents::tokenHolder).orElseGet(() -> new Reference().setDisplay("no valid client JWT"));
		AuditEventAgentComponent client = requestor(event, who, APPLICATION, theRemoteAddress);
		currentToken().ifPresent(jwt -> client.addPolicy(JTI_PREFIX + jwt.getId()));
		event.addEntity().setName(thePath).setWhat(new Reference().setDisplay(thePath)).getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE)
				.setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT).setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
		thePatients.forEach(patient -> patientEntity(event, patient));
		return event;
	}

	/**
	 * A patient's data released from OpenIMD to another organisation or system (a manufacturer's
	 * de-identified export, a Bulk Data export file), shaped as IHE BALP's Privacy Disclosure at the
	 * Source: an Export event whose subtype is the ISO 21089 disclosure, OpenIMD as the source agent (and
	 * the event's observer), the receiver as the recipient, the token holder who asked, the one patient,
	 * and each resource released. The resources are named by their ids here, not by any pseudonyms the
	 * recipient saw.
	 *
	 * @param theRecipient the Organization (or client) the data went to
	 * @param theDescription what was released, to whom
	 * @param theServerBase the FHIR base the data left from: the source's network address
	 */
	public static AuditEvent disclosed(String theOperation, Reference thePatient, List<Reference> theData, Reference theRecipient,
			String theDescription, String theServerBase, String theRemoteAddress) {
		AuditEvent event = base(EXPORT, DISCLOSE, AuditEventAction.R, true, theOperation + ": " + theDescription);
		event.addSubtype(new Coding(BalpConstants.CS_RESTFUL_INTERACTION, "operation", "operation"));
		AuditEventAgentComponent source = event.addAgent().setRequestor(false).setWho(event.getSource().getObserver().copy());
		source.getType().addCoding(SOURCE_ROLE.copy());
		source.getNetwork().setAddress(theServerBase).setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_URI);
		AuditEventAgentComponent recipient = event.addAgent().setRequestor(false).setWho(theRecipient);
		recipient.getType().addCoding(DESTINATION_ROLE.copy());
		recipient.getNetwork().setAddress(theRemoteAddress).setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS);
		currentToken().ifPresent(jwt -> requestor(event, tokenHolder(jwt), APPLICATION, theRemoteAddress).addPolicy(JTI_PREFIX + jwt.getId()));
		patientEntity(event, thePatient);
		for (Reference data : theData) {
			AuditEvent.AuditEventEntityComponent entity = event.addEntity().setWhat(data);
			entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
					.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
			entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE)
					.setDisplay(BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY);
		}
		return event;
	}

	private static void patientEntity(AuditEvent theEvent, Reference thePatient) {
		AuditEvent.AuditEventEntityComponent entity = theEvent.addEntity().setWhat(thePatient);
		entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE).setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON)
				.setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY);
		entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(BalpConstants.CS_OBJECT_ROLE_1_PATIENT)
				.setDisplay(BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY);
	}

	/**
	 * Storage refuses a reference to a deleted resource, so an event about one names it by identifier
	 * ({@code Patient/123} under {@link #DELETED_RESOURCE_SYSTEM}) instead.
	 */
	static void nameDeletedResourcesByIdentifier(AuditEvent theEvent) {
		theEvent.getEntity().stream().map(AuditEvent.AuditEventEntityComponent::getWhat).filter(Reference::hasReference).forEach(what -> {
			what.setIdentifier(new Identifier().setSystem(DELETED_RESOURCE_SYSTEM).setValue(what.getReference()));
			what.setDisplay(what.getReference());
			what.setReference(null);
		});
	}

	/** The bearer token of the request this thread serves, once Spring Security has accepted it. */
	static Optional<Jwt> currentToken() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt.getToken()) : Optional.empty();
	}

	/**
	 * The person behind a token as a FHIR reference when it names one, else the token's subject. The
	 * token's {@code fhirUser} is absolute, as SMART requires; the AuditEvent refers to the same
	 * resource relatively, since the server stores no references to other servers.
	 */
	static Reference tokenHolder(Jwt theToken) {
		Reference who = new Reference().setIdentifier(new Identifier().setSystem(
				theToken.getClaimAsString(SmartClaims.ROLE) == null ? CLIENT_ID_SYSTEM : USERNAME_SYSTEM).setValue(theToken.getSubject()));
		Optional.ofNullable(theToken.getClaimAsString(SmartClaims.FHIR_USER))
				.ifPresent(fhirUser -> who.setReference(new IdType(fhirUser).toUnqualifiedVersionless().getValue()));
		return who;
	}

	public static Reference clientReference(String theClientId) {
		return new Reference().setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(theClientId));
	}

	private static AuditEvent base(Coding theType, Coding theSubtype, AuditEventAction theAction, boolean theSucceeded,
			String theDescription) {
		AuditEvent event = new AuditEvent();
		event.setType(theType.copy());
		event.addSubtype(theSubtype.copy());
		event.setAction(theAction);
		event.setOutcome(theSucceeded ? AuditEventOutcome._0 : AuditEventOutcome._4);
		event.setOutcomeDesc(theDescription);
		event.getSource().setSite("OpenIMD").getObserver().setDisplay("OpenIMD");
		return event;
	}

	private static AuditEventAgentComponent requestor(AuditEvent theEvent, Reference theWho, Coding theType, String theRemoteAddress) {
		AuditEventAgentComponent agent = theEvent.addAgent().setRequestor(true).setWho(theWho);
		agent.getType().addCoding(theType.copy());
		agent.getNetwork().setAddress(theRemoteAddress).setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS);
		return agent;
	}

	private static AuditEventAction action(String theMethod) {
		return switch (theMethod) {
			case "POST" -> AuditEventAction.C;
			case "PUT", "PATCH" -> AuditEventAction.U;
			case "DELETE" -> AuditEventAction.D;
			default -> AuditEventAction.R;
		};
	}
}
