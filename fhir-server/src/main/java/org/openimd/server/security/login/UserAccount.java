package org.openimd.server.security.login;

import java.time.Instant;
import java.util.Optional;

/**
 * A person who logs in to OpenIMD.
 *
 * @param fhirUser the FHIR resource that is this person ({@code Patient/12}, {@code Practitioner/3}),
 *     the {@code fhirUser} of their tokens
 * @param organization the Organization they act for ({@code Organization/7}): a pharmacist's pharmacy,
 *     a manufacturer's company
 */
public record UserAccount(
		String username,
		String passwordHash,
		String totpSecret,
		Role role,
		Optional<String> fhirUser,
		Optional<String> organization,
		int failedAttempts,
		Optional<Instant> lockedUntil,
		long lastTotpStep) {

	public boolean lockedAt(Instant theNow) {
		return lockedUntil.isPresent() && lockedUntil.get().isAfter(theNow);
	}
}
