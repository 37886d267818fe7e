package org.openimd.server.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.util.FhirTerser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.deid.Deidentifier;
import org.openimd.server.security.BulkExportGate;
import org.openimd.server.security.PatientCompartment;

/**
 * A Bulk Data export file leaves OpenIMD when its client fetches it: that is the disclosure, recorded
 * as one IHE BALP Privacy Disclosure per patient whose data the file holds, naming each resource.
 * A de-identified file (its resources labelled anonymized) identifies nobody, and its pseudonyms name
 * no patient here: it is recorded as one Export event for the file, naming no patient (a project
 * decision, as HIPAA's accounting of disclosures leaves de-identified data out). After the gate, which
 * refuses a file to anyone but its client only once it sees it.
 */
@Interceptor(order = AuthorizationConstants.ORDER_AUTH_INTERCEPTOR + 100)
public class ExportFileDisclosures {

	private static final String OPERATION = "$export";

	private final AuditTrail myAudit;
	private final IParser myParser;
	private final FhirTerser myTerser;

	public ExportFileDisclosures(AuditTrail theAudit, FhirContext theFhir) {
		myAudit = theAudit;
		myParser = theFhir.newJsonParser();
		myTerser = theFhir.newTerser();
	}

	@Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
	public void recordFileFetched(RequestDetails theRequest, IBaseResource theResponse) {
		if (!(theResponse instanceof Binary file)
				|| !BulkExportGate.EXPORT_CLIENT_SYSTEM.equals(file.getSecurityContext().getIdentifier().getSystem())) {
			return;
		}
		String client = file.getSecurityContext().getIdentifier().getValue();
		String fileId = file.getIdElement().toUnqualifiedVersionless().getValue();
		String remoteAddress = AuditEvents.remoteAddress(theRequest);
		Map<String, List<Reference>> dataByPatient = new TreeMap<>();
		boolean deidentified = false;
		for (String line : new String(file.getData(), StandardCharsets.UTF_8).split("\n")) {
			if (line.isBlank()) {
				continue;
			}
			IBaseResource resource = myParser.parseResource(line);
			if (resource.getMeta().getSecurity(Deidentifier.ANONYMIZED.getSystem(), Deidentifier.ANONYMIZED.getCode()) != null) {
				deidentified = true;
				break;
			}
			Reference data = new Reference(resource.getIdElement().toUnqualifiedVersionless().getValue());
			PatientCompartment.patientsOf(myTerser, resource)
					.forEach(patient -> dataByPatient.computeIfAbsent(patient, key -> new ArrayList<>()).add(data));
		}
		if (deidentified) {
			myAudit.record(AuditEvents.operationCalled(OPERATION, "de-identified export file " + fileId + " fetched by " + client, List.of(),
					true, remoteAddress));
			return;
		}
		dataByPatient.forEach((patient, data) -> myAudit.record(AuditEvents.disclosed(OPERATION, new Reference("Patient/" + patient), data,
				AuditEvents.clientReference(client), "export file " + fileId + " with data of one patient fetched by " + client,
				theRequest.getFhirServerBase(), remoteAddress)));
	}
}
