package org.openimd.server.security;

import java.util.Set;

/**
 * What a reviewer's token reaches: no patient, only the review assignments (Tasks) given to the
 * reviewer or to a review group they belong to, the de-identified copies those assignments are
 * about (Bundles), and the notices sent to them. The review feature says which these are.
 */
public interface ReviewerReach {

	/** The resource types a reviewer's scopes may reach at all. */
	Set<String> TYPES = Set.of("Task", "Bundle", "Communication");

	/**
	 * @param thePractitioner the reviewer, e.g. {@code Practitioner/7}
	 * @return the ids ({@code Task/12}, {@code Bundle/13}) of the assignments open or done for them and of their copies
	 */
	Set<String> assignedTo(String thePractitioner);
}
