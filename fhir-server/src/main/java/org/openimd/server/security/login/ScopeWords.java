package org.openimd.server.security.login;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openimd.server.security.ApiScopes;
import org.openimd.server.security.SmartScope;

/** What a scope lets an app do, in the words of the person asked to allow it. */
final class ScopeWords {

	private static final Map<String, String> OTHER_SCOPES = Map.ofEntries(
			Map.entry("fhirUser", "know who you are: your name and role"),
			Map.entry("launch", "open with the patient your EHR has open"),
			Map.entry("launch/patient", "work on one patient, chosen when you sign in (for a patient: your own record)"),
			Map.entry("online_access", "stay signed in while you work, until you sign out"),
			Map.entry("offline_access", "keep its access after you close it, until you or an administrator revoke it"),
			Map.entry(ApiScopes.ADMIN, "administer accounts and apps (for administrators only)"),
			Map.entry(ApiScopes.LAUNCH, "launch apps for the people it serves"),
			Map.entry(ApiScopes.INGEST, "send device interrogations"),
			Map.entry(ApiScopes.INGEST_ADMIN, "see received device messages and send them again"),
			Map.entry(ApiScopes.OPERATIONS, "read the server's operating figures"),
			Map.entry(ApiScopes.RESEARCH, "see de-identified statistics over all patients, never about fewer than a set number of them"));

	/** Record kinds as a clinician names them; a kind not listed is named by its FHIR type. */
	private static final Map<String, String> RECORD_KINDS = Map.ofEntries(
			Map.entry("Patient", "patient details"),
			Map.entry("Observation", "measurements and recordings"),
			Map.entry("Device", "implanted devices and leads"),
			Map.entry("DiagnosticReport", "interrogation reports and analyses"),
			Map.entry("DocumentReference", "documents such as EGM PDFs"),
			Map.entry("MedicationRequest", "prescriptions"),
			Map.entry("MedicationDispense", "dispenses"),
			Map.entry("Communication", "messages and notices"),
			Map.entry("Task", "tasks such as reviews and the worklist"),
			Map.entry("DetectedIssue", "alerts"),
			Map.entry("CarePlan", "transmission schedules"),
			Map.entry("CareTeam", "care teams"),
			Map.entry("AuditEvent", "the audit trail"));

	private ScopeWords() {}

	/** The scope in words; empty for one that says nothing a person needs to decide ({@code openid}). */
	static Optional<String> of(String theScope) {
		if (OTHER_SCOPES.containsKey(theScope)) {
			return Optional.of(capitalised(OTHER_SCOPES.get(theScope)));
		}
		return SmartScope.parse(theScope).map(ScopeWords::resourceScope);
	}

	private static String resourceScope(SmartScope theScope) {
		List<String> actions = new ArrayList<>();
		if (theScope.permits('r') || theScope.permits('s')) {
			actions.add(theScope.permits('s') ? "see and search" : "see");
		}
		if (theScope.permits('c')) {
			actions.add("add");
		}
		if (theScope.permits('u')) {
			actions.add("change");
		}
		if (theScope.permits('d')) {
			actions.add("delete");
		}
		String records = theScope.anyResourceType() ? "every kind of record" : RECORD_KINDS.getOrDefault(theScope.resourceType(), theScope.resourceType() + " records");
		String whose = switch (theScope.context()) {
			case "patient" -> " of the patient it works on";
			case "user" -> " that you may see";
			default -> " of every patient";
		};
		String filtered = theScope.filter().map(filter -> " (only those matching " + filter + ")").orElse("");
		return capitalised(String.join(", ", actions.subList(0, Math.max(0, actions.size() - 1)))
				+ (actions.size() > 1 ? " and " : "") + actions.get(actions.size() - 1) + " " + records + whose + filtered);
	}

	private static String capitalised(String theText) {
		return theText.isEmpty() ? theText : Character.toUpperCase(theText.charAt(0)) + theText.substring(1);
	}
}
