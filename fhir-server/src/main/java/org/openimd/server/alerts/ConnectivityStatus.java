package org.openimd.server.alerts;

import java.util.Date;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.terminology.OpenImdUris;

/**
 * A device's connectivity status in CardX-CIED's shape (profile {@code cied-connectivity-status}): one
 * Observation per device, replaced as its state changes, with the status, the last remote interrogation
 * and the next one scheduled. CardX has the manufacturer's platform compute it from the monitor's
 * check-ins; OpenIMD sees only transmissions, so (a project decision) a device is {@code connected}
 * while its transmissions arrive by their due date and its clinic's grace, and {@code disconnected} once
 * one is missed ({@link MissedTransmissions}), until the next arrives.
 */
final class ConnectivityStatus {

	private static final String OBSERVATION_CODE = "observation-cied-connectivity";

	private ConnectivityStatus() {}

	/** The entry that records {@code theDevice} as connected by a transmission at {@code theSession}, the next due at {@code theDue}. */
	static Bundle.BundleEntryComponent connected(Reference thePatient, Reference theDevice, Date theSession, Date theDue) {
		return entry(status(thePatient, theDevice, "connected", theSession, theSession, theDue), theDevice);
	}

	/** The entry that records {@code theDevice} as disconnected at {@code theNow}: nothing since {@code theLast}, the next was due at {@code theDue}. */
	static Bundle.BundleEntryComponent disconnected(Reference thePatient, Reference theDevice, Date theLast, Date theDue, Date theNow) {
		Observation status = status(thePatient, theDevice, "disconnected", theNow, theLast, theDue);
		status.addNote().setText("No transmission has arrived since the one due on " + new DateTimeType(theDue).asStringValue()
				+ ": check the home monitor with the patient.");
		return entry(status, theDevice);
	}

	private static Observation status(Reference thePatient, Reference theDevice, String theState, Date theEffective, Date theLast, Date theDue) {
		Observation status = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(thePatient.copy()).setDevice(theDevice.copy())
				.setEffective(new DateTimeType(theEffective));
		status.getMeta().addProfile(OpenImdUris.CARDX_CONNECTIVITY_PROFILE);
		status.addIdentifier().setSystem(OpenImdUris.CONNECTIVITY_STATUS_IDENTIFIER).setValue(theDevice.getReference());
		status.setCode(concept(OBSERVATION_CODE, "FHIR CIED Connectivity Status Profile"));
		status.addCategory(concept(OBSERVATION_CODE, "FHIR CIED Connectivity Status Profile"));
		status.addComponent().setCode(concept("connectivity-status", "Connectivity status"))
				.setValue(concept(theState, theState.equals("connected") ? "Connected" : "Disconnected"));
		status.addComponent().setCode(concept("last-interrogation-date", "Date the last remote device interrogation"))
				.setValue(new DateTimeType(theLast));
		status.addComponent().setCode(concept("next-interrogation-date", "Date of the next scheduled remote device interrogation"))
				.setValue(new DateTimeType(theDue));
		return status;
	}

	private static Bundle.BundleEntryComponent entry(Observation theStatus, Reference theDevice) {
		Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent().setResource(theStatus);
		entry.getRequest().setMethod(Bundle.HTTPVerb.PUT)
				.setUrl("Observation?identifier=" + OpenImdUris.CONNECTIVITY_STATUS_IDENTIFIER + "|" + theDevice.getReference());
		return entry;
	}

	private static CodeableConcept concept(String theCode, String theDisplay) {
		return new CodeableConcept(new Coding(OpenImdUris.CARDX_CONNECTIVITY_SYSTEM, theCode, theDisplay));
	}
}
