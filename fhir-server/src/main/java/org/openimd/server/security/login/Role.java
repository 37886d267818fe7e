package org.openimd.server.security.login;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

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

	/**
	 * The role named {@code theName} in any case ({@code clinician}, as demo-credentials.json and
	 * tokens write it, or {@code CLINICIAN}); an unknown name is refused with the names there are.
	 */
	@JsonCreator
	public static Role named(String theName) {
		String name = theName == null ? "" : theName.strip().toUpperCase(Locale.ROOT);
		return Arrays.stream(values()).filter(role -> role.name().equals(name)).findFirst()
				.orElseThrow(() -> new IllegalArgumentException("role must be one of " + Arrays.stream(values())
						.map(role -> role.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ", not \"" + theName + "\""));
	}

	/** The Spring Security authority a logged-in user of this role holds. */
	public String authority() {
		return "ROLE_" + name();
	}
}
