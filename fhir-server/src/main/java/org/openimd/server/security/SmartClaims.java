package org.openimd.server.security;

/**
 * The claims OpenIMD puts in access tokens beyond OAuth's own, and reads back at the FHIR API. An
 * external identity provider maps its claims onto these names.
 */
public final class SmartClaims {

	/** The patient in context: a Patient id, as SMART's token response has it. */
	public static final String PATIENT = "patient";

	/** The person behind the token, as a FHIR resource URL (OpenID Connect id_token and access token). */
	public static final String FHIR_USER = "fhirUser";

	/** The person's role ({@link org.openimd.server.security.login.Role}, lower case); absent in system tokens. */
	public static final String ROLE = "openimd_role";

	/**
	 * The role whose policy limits a system that acts for an organisation ({@link
	 * org.openimd.server.security.login.Role}, lower case); absent in persons' tokens and in those of
	 * systems that reach every patient their scopes name.
	 */
	public static final String ACTS_AS = "openimd_acts_as";

	/** The Organization the person or system acts for, e.g. {@code Organization/7}. */
	public static final String ORGANIZATION = "organization";

	/** The app or system the token was issued to (RFC 9068). */
	public static final String CLIENT_ID = "client_id";

	/** How the person authenticated (RFC 8176): {@code pwd} and {@code otp}. */
	public static final String AMR = "amr";

	public static final String AMR_PASSWORD = "pwd";
	public static final String AMR_ONE_TIME_PASSWORD = "otp";

	private SmartClaims() {}
}
