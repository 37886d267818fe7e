package org.openimd.server.similar;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
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

/** The indexes as a restarted server builds them: from the stored reports that diagnose recordings and interrogations. */
class SimilarCasesIT extends BaseServerIT {

	@Autowired
	DaoRegistry daos;

	@Autowired
	CareRelationships care;

	/** A stored ECG strip, and a physician's final reading of it with a conclusion code. */
	private record DiagnosedStrip(String patient, String strip, String report) {}

	private DiagnosedStrip diagnosedStrip() {
		String patient = "Patient/" + client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		Observation strip = SecondRecording.observation(17, 0, 17).setSubject(new Reference(patient)).setEffective(new DateTimeType("2026-03-01T09:30:00+01:00"));
		String stored = "Observation/" + client.create().resource(strip).execute().getId().getIdPart();
		DiagnosticReport reading = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(new Reference(patient))
				.setCode(new CodeableConcept(new Coding("http://loinc.org", "11524-6", "EKG study")))
				.setConclusion("Frequent premature ventricular complexes");
		reading.addConclusionCode(new CodeableConcept(new Coding("http://snomed.info/sct", "427172004", "Premature ventricular contraction")));
		reading.addResult(new Reference(stored));
		return new DiagnosedStrip(patient, stored, "DiagnosticReport/" + client.create().resource(reading).execute().getId().getIdPart());
	}

	/** Similar cases as another node of the same database builds them: it sees no write of this server's as it happens. */
	private SimilarCases anotherNode() {
		return new SimilarCases(daos, care, List.of(new WaveformComparison(SimilarityMethod.load())), ExactIndex::new, SimilarCases.Recipient.PHYSICIAN,
				Clock.systemUTC());
	}

	@Test
	void aPhysiciansOwnDiagnosisOfAStoredStripIsFoundAgainAfterARestart() {
		DiagnosedStrip diagnosed = diagnosedStrip();

		try (SimilarCases restarted = anotherNode()) {
			restarted.rebuild();

			Observation secondLook = SecondRecording.observation(17, 0.7, 71).setSubject(new Reference(diagnosed.patient()));
			SimilarCases.Answer answer = restarted.findSimilar(secondLook, 3);
			assertThat(answer.method()).isEqualTo(SimilarityMethod.load().version());
			List<SimilarCases.Match> matches = answer.matches();
			assertThat(matches).isNotEmpty();
			assertThat(matches.get(0).score()).isGreaterThanOrEqualTo(SimilarityMethod.load().threshold());
			assertThat(matches).anySatisfy(match -> {
				assertThat(match.dataSet()).isEqualTo(diagnosed.strip());
				assertThat(match.analyses()).containsExactly(diagnosed.report());
				assertThat(match.diagnoses()).extracting(diagnosis -> diagnosis.getCodingFirstRep().getCode()).containsExactly("427172004");
			});
		}
	}

	@Test
	void aDiagnosisStoredThroughAnotherNodeIsFoundOnceThisNodeCatchesUp() {
		try (SimilarCases node = anotherNode()) {
			node.rebuild();
			DiagnosedStrip diagnosed = diagnosedStrip();
			Observation secondLook = SecondRecording.observation(17, 0.7, 71).setSubject(new Reference(diagnosed.patient()));
			assertThat(node.findSimilar(secondLook, 50).matches()).as("written through the other node: not yet seen here")
					.noneSatisfy(match -> assertThat(match.dataSet()).isEqualTo(diagnosed.strip()));

			node.catchUp();

			assertThat(node.findSimilar(secondLook, 50).matches()).anySatisfy(match -> {
				assertThat(match.dataSet()).isEqualTo(diagnosed.strip());
				assertThat(match.analyses()).containsExactly(diagnosed.report());
			});
		}
	}

	@Test
	void aDiagnosisOfAnIngestedInterrogationIsFoundAgainAfterARestartAndItsOwnReportIsNoDiagnosis() throws Exception {
		String prefix = "S" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(Locale.ROOT);
		String message = Interrogations.message(prefix, 2, 0);
		assertThat(postHl7v2(message)).contains("MSA|AA|");
		Patient patient = single(client.search().forResource(Patient.class).where(Patient.IDENTIFIER.exactly().code("MRN" + prefix + 2))
				.returnBundle(Bundle.class).execute(), Patient.class);
		DiagnosticReport interrogation = single(client.search().forResource(DiagnosticReport.class)
				.where(DiagnosticReport.SUBJECT.hasId(patient.getIdElement().toUnqualifiedVersionless())).returnBundle(Bundle.class).execute(), DiagnosticReport.class);
		String measurements = interrogation.getResultFirstRep().getReference();
		// The interrogation's own report, final and naming the measurements, is given a conclusion code: it is still the data set, not a diagnosis.
		client.update().resource(interrogation.addConclusionCode(new CodeableConcept(new Coding("http://snomed.info/sct", "25569003", null)))).execute();
		DiagnosticReport reading = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL).setSubject(interrogation.getSubject())
				.setCode(new CodeableConcept(new Coding("http://loinc.org", "11524-6", null))).setConclusion("Lead fracture suspected");
		reading.addConclusionCode(new CodeableConcept(new Coding("http://snomed.info/sct", "427172004", "Premature ventricular contraction")));
		reading.addResult(new Reference(measurements));
		String report = "DiagnosticReport/" + client.create().resource(reading).execute().getId().getIdPart();

		try (SimilarCases restarted = new SimilarCases(daos, care, List.of(InterrogationComparison.load(Interrogations.TERMS)), ExactIndex::new,
				SimilarCases.Recipient.PHYSICIAN, Clock.systemUTC())) {
			restarted.rebuild();

			Observation again = Interrogations.measurements(Interrogations.measuredAgain(message, prefix, prefix + "X", 0.02, 3));
			List<SimilarCases.Match> matches = restarted.findSimilar(again, 3).matches();
			assertThat(matches).first().satisfies(match -> {
				assertThat(match.dataSet()).isEqualTo(measurements);
				assertThat(match.analyses()).containsExactly(report);
				assertThat(match.score()).isGreaterThanOrEqualTo(InterrogationComparison.load(Interrogations.TERMS).threshold());
			});
		}
	}
}
