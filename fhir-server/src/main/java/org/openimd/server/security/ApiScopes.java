package org.openimd.server.security;

/**
 * OpenIMD's own scopes, for what is not a FHIR resource: SMART scopes cover the FHIR API, these the
 * HL7 v2 ingest endpoints and the operations endpoints.
 */
public final class ApiScopes {

	/** Send HL7 v2 messages ({@code POST /hl7v2}). */
	public static final String INGEST = "openimd.ingest";

	/** Read received messages, their raw bytes, and reprocess them ({@code /ingest/messages}). */
	public static final String INGEST_ADMIN = "openimd.ingest-admin";

	/** Metrics ({@code /actuator/prometheus}). */
	public static final String OPERATIONS = "openimd.operations";

	/** Start an EHR launch: create the {@code launch} an app receives with the patient in context ({@code POST /smart/launch}). */
	public static final String LAUNCH = "openimd.launch";

	/**
	 * Administer people and clients: create accounts and enrol their authenticator ({@code POST
	 * /admin/users}), register SMART clients ({@code POST /admin/clients}).
	 */
	public static final String ADMIN = "openimd.admin";

	/** De-identified statistics over all stored data ({@code $device-alert-rates}, {@code $device-longevity}, {@code $lead-performance}, {@code $pump-therapy}), for researchers. */
	public static final String RESEARCH = "openimd.research";

	private ApiScopes() {}
}
