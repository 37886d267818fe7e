package org.openimd.server.security.login;

/**
 * What a person using OpenIMD is, which decides whose data their tokens reach (see the FHIR API's
 * role policy): their own record, their care team's patients, their pharmacy's pump patients, their
 * company's devices, the reviews assigned to them, or everything.
 */
public enum Role {
	PATIENT,
	CLINICIAN,
	PHARMACIST,
	MANUFACTURER,
	REVIEWER,
	ADMIN;

	/** The Spring Security authority a logged-in user of this role holds. */
	public String authority() {
		return "ROLE_" + name();
	}
}
