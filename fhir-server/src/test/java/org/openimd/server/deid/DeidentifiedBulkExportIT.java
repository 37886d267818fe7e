package org.openimd.server.deid;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.BulkDataClient;

/**
 * The de-identified Bulk Data export: the same job, each resource through the Safe Harbor profile on
 * its way into the file, ids and references replaced by keyed pseudonyms that agree across files and
 * exports; fetching such a file is on the audit trail without naming any patient.
 */
class DeidentifiedBulkExportIT extends BaseServerIT {

	@Test
	void filesHoldPseudonymsThatAgreeAcrossFilesAndExportsAndNothingThatNamesThePatient() throws Exception {
		Patient patient = new Patient().addIdentifier(uniqueIdentifier()).addName(new HumanName().setFamily("Identifiable").addGiven("Ida"));
		patient.setBirthDateElement(new DateType("1961-03-14"));
		String patientId = stored(patient);
		stored(new Device().setSerialNumber("PJN123456").setPatient(new Reference("Patient/" + patientId)));
		BulkDataClient bulk = new BulkDataClient(fhirBase());

		List<List<IBaseResource>> exports = new ArrayList<>();
		for (int run = 0; run < 2; run++) {
			HttpResponse<String> kickOff = bulk.kickOff(accessToken, "Patient/" + patientId + "/$export?_type=Patient,Device&deidentified=true");
			assertThat(kickOff.statusCode()).as(kickOff.body()).isEqualTo(202);
			JsonNode manifest = bulk.manifestOnceDone(accessToken, kickOff.headers().firstValue("Content-Location").orElseThrow());
			List<IBaseResource> files = new ArrayList<>(bulk.filesOfType(accessToken, manifest, "Patient"));
			files.addAll(bulk.filesOfType(accessToken, manifest, "Device"));
			exports.add(files);
		}

		Patient exportedPatient = exports.get(0).stream().filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
		Device exportedDevice = exports.get(0).stream().filter(Device.class::isInstance).map(Device.class::cast).findFirst().orElseThrow();
		String pseudonym = exportedPatient.getIdElement().getIdPart();
		assertThat(pseudonym).matches("[0-9a-f]{64}").isNotEqualTo(patientId);
		assertThat(exportedDevice.getPatient().getReferenceElement().getIdPart()).as("the same pseudonym in another file").isEqualTo(pseudonym);
		assertThat(exports.get(1)).filteredOn(Patient.class::isInstance).extracting(resource -> resource.getIdElement().getIdPart())
				.as("and in another export").containsExactly(pseudonym);
		String json = FHIR.newJsonParser().encodeResourceToString(exportedPatient);
		assertThat(json).doesNotContain("Identifiable", "Ida", "1961-03-14", patient.getIdentifierFirstRep().getValue());
		assertThat(exportedPatient.getMeta().getSecurity(Deidentifier.ANONYMIZED.getSystem(), Deidentifier.ANONYMIZED.getCode())).isNotNull();
		assertThat(FHIR.newJsonParser().encodeResourceToString(exportedDevice)).doesNotContain("PJN123456");

		List<AuditEvent> fetched = auditEventsEventually("type=http://terminology.hl7.org/CodeSystem/audit-event-type|rest",
				event -> event.hasOutcomeDesc() && event.getOutcomeDesc().startsWith("de-identified export file"));
		assertThat(fetched).allSatisfy(event -> assertThat(event.getEntity()).noneMatch(entity -> entity.getWhat().hasReference()
				&& entity.getWhat().getReference().startsWith("Patient/")));

		// the stored record is untouched
		assertThat(client.read().resource(Patient.class).withId(patientId).execute().getNameFirstRep().getFamily()).isEqualTo("Identifiable");
	}

	@Test
	void aDeidentifiedFlagThatIsNeitherTrueNorFalseIsRefused() throws Exception {
		HttpResponse<String> kickOff = new BulkDataClient(fhirBase()).kickOff(accessToken, "$export?_type=Device&deidentified=yes");
		assertThat(kickOff.statusCode()).isEqualTo(400);
		assertThat(kickOff.body()).contains("deidentified");
	}
}
