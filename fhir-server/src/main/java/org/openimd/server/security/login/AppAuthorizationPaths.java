package org.openimd.server.security.login;

/** Where the pages of signing in and authorising an app live. */
public final class AppAuthorizationPaths {

	public static final String LOGIN = "/auth/login";
	public static final String CODE = "/auth/login/code";
	public static final String SIGNED_IN = "/auth/signed-in";
	public static final String SIGN_OUT = "/auth/logout";
	public static final String SIGNED_OUT = "/auth/signed-out";
	public static final String PATIENT_PICKER = "/auth/patient";
	public static final String CONSENT = "/auth/consent";
	public static final String RECOVERY_CODES = "/auth/recovery-codes";

	private AppAuthorizationPaths() {}
}
