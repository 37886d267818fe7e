package org.openimd.server.similar;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.security.CareRelationships;
import org.springframework.beans.factory.annotation.Autowired;

/** The index as a restarted server builds it: from the stored reports that diagnose recordings. */
class SimilarCasesIT extends BaseServerIT {

	@Autowired
	DaoRegistry daos;

	@Autowired
	CareRelationships care;

	@Test
	void aPhysiciansOwnDiagnosisOfAStoredStripIsFoundAgainAfterARestart() {
		String patient = "Patient/" + client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		Observation strip = SecondRecording.observation(17, 0, 17).setSubject(new Reference(patient)).setEffective(new DateTimeType("2026-03-01T09:30:00+01:00"));
		String stored = "Observation/" + client.create().resource(strip).execute().getId().getIdPart();
		DiagnosticReport reading = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(new Reference(patient))
				.setCode(new CodeableConcept(new Coding("http://loinc.org", "11524-6", "EKG study")))
				.setConclusion("Frequent premature ventricular complexes");
		reading.addConclusionCode(new CodeableConcept(new Coding("http://snomed.info/sct", "427172004", "Premature ventricular contraction")));
		reading.addResult(new Reference(stored));
		String report = "DiagnosticReport/" + client.create().resource(reading).execute().getId().getIdPart();

		SimilarCases restarted = new SimilarCases(daos, care, new ExactIndex(), SimilarityMethod.load(), SimilarCases.Recipient.PHYSICIAN);
		restarted.rebuild();

		Observation secondLook = SecondRecording.observation(17, 0.7, 71).setSubject(new Reference(patient));
		List<SimilarCases.Match> matches = restarted.findSimilar(secondLook, 3);
		assertThat(matches).isNotEmpty();
		assertThat(matches.get(0).score()).isGreaterThanOrEqualTo(SimilarityMethod.load().threshold());
		assertThat(matches).anySatisfy(match -> {
			assertThat(match.dataSet()).isEqualTo(stored);
			assertThat(match.analyses()).containsExactly(report);
			assertThat(match.diagnoses()).extracting(diagnosis -> diagnosis.getCodingFirstRep().getCode()).containsExactly("427172004");
		});
	}
}
