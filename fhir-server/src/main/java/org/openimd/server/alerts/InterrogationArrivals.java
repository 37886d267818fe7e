package org.openimd.server.alerts;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.terminology.OpenImdUris;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Tells the triage of every new interrogation report, however it arrives (HL7 v2 ingest, FHIR): an
 * event inside the storing transaction, which the triage takes up once that transaction commits. A
 * resent or corrected interrogation updates its report and is not a new transmission.
 */
class InterrogationArrivals extends CheckedWhenStored {

	private static final String FIRST_VERSION = "1";

	private final ApplicationEventPublisher myEvents;

	InterrogationArrivals(ApplicationEventPublisher theEvents) {
		myEvents = theEvents;
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (theResource instanceof DiagnosticReport report && FIRST_VERSION.equals(report.getIdElement().getVersionIdPart())
				&& report.getMeta().hasProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE)) {
			myEvents.publishEvent(new InterrogationArrived(report.getIdElement().toUnqualifiedVersionless().getValue()));
		}
	}
}
