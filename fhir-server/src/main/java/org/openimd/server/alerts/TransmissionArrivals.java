package org.openimd.server.alerts;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.openimd.server.fhir.CheckedWhenStored;
import org.openimd.terminology.OpenImdUris;
import org.springframework.context.ApplicationEventPublisher;

/**
 * Tells the triage of every new transmission, however it arrives (HL7 v2 ingest, FHIR): an
 * interrogation report or a pump's status reading. An event inside the storing transaction, which the
 * triage takes up once that transaction commits. A resent or corrected interrogation updates its
 * report and is not a new transmission.
 */
class TransmissionArrivals extends CheckedWhenStored {

	private static final String FIRST_VERSION = "1";

	private final ApplicationEventPublisher myEvents;

	TransmissionArrivals(ApplicationEventPublisher theEvents) {
		myEvents = theEvents;
	}

	@Override
	protected void stored(IBaseResource theResource, RequestDetails theRequest) {
		if (!FIRST_VERSION.equals(theResource.getIdElement().getVersionIdPart())) {
			return;
		}
		boolean interrogation = theResource instanceof DiagnosticReport report && report.getMeta().hasProfile(OpenImdUris.INTERROGATION_REPORT_PROFILE);
		boolean pumpReading = theResource instanceof Observation reading
				&& reading.getCode().hasCoding(OpenImdUris.PUMP_TELEMETRY_SYSTEM, OpenImdUris.PUMP_STATUS) && reading.hasDevice();
		if (interrogation || pumpReading) {
			myEvents.publishEvent(new TransmissionArrived(theResource.getIdElement().toUnqualifiedVersionless().getValue()));
		}
	}
}
