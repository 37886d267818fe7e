package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.terminology.OpenImdUris;

/**
 * Warnings found before a resource is stored, written as DetectedIssues once it is: only then does it
 * have the id and version they name. Kept per request, so a transaction's entries each get theirs.
 */
final class PendingWarnings {

	private static final String KEY = PendingWarnings.class.getName();

	private final DaoRegistry myDaos;
	private final Clock myClock;

	PendingWarnings(DaoRegistry theDaos, Clock theClock) {
		myDaos = theDaos;
		myClock = theClock;
	}

	void add(RequestDetails theRequest, IBaseResource theResource, List<Finding> theWarnings) {
		if (!theWarnings.isEmpty()) {
			pending(theRequest).computeIfAbsent(theResource, resource -> new ArrayList<>()).addAll(theWarnings);
		}
	}

	/** The DetectedIssues of {@code theResource}, now stored, about {@code thePatient}. */
	void record(RequestDetails theRequest, IBaseResource theResource, Reference thePatient) {
		List<Finding> warnings = pending(theRequest).remove(theResource);
		if (warnings == null) {
			return;
		}
		for (Finding warning : warnings) {
			DetectedIssue issue = new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL)
					.setSeverity(DetectedIssue.DetectedIssueSeverity.MODERATE)
					.setCode(new CodeableConcept(new Coding(OpenImdUris.INTRATHECAL_RULE_SYSTEM, warning.rule(), null)).setText(warning.rule()))
					.setPatient(thePatient)
					.setIdentified(new DateTimeType(Date.from(myClock.instant())))
					.setDetail(warning.message());
			issue.addImplicated(new Reference(theResource.getIdElement().toUnqualified().getValue()));
			myDaos.getResourceDao(DetectedIssue.class).create(issue, new SystemRequestDetails());
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<IBaseResource, List<Finding>> pending(RequestDetails theRequest) {
		return (Map<IBaseResource, List<Finding>>) theRequest.getUserData().computeIfAbsent(KEY, key -> new IdentityHashMap<>());
	}
}
