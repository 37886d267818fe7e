package org.openimd.server.similar;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.waveform.Waveform;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Earlier diagnoses for new recordings. Every ECG strip or EGM episode that a final DiagnosticReport
 * with a conclusion code names among its results (a reviewer's analysis, a physician's reading) is
 * indexed with those diagnoses; a new one is compared with the indexed ones of the same kind and
 * channels (the index's nearest neighbours, re-ranked exactly), and when the best scores at least
 * the threshold its diagnoses go to whoever looks after the patient as a Communication: both
 * recordings, the score, the method's version, and that it is a suggestion to confirm.
 */
public class SimilarCases {

	private static final Logger ourLog = LoggerFactory.getLogger(SimilarCases.class);
	private static final int REBUILD_BATCH = 200;

	/** Who hears of a similar earlier case: the patient's physicians (the default) or the patient. */
	public enum Recipient { PHYSICIAN, PATIENT }

	/**
	 * @param dataSet e.g. {@code Observation/40}
	 * @param analyses the DiagnosticReports that diagnose it
	 */
	public record Match(String dataSet, double score, List<CodeableConcept> diagnoses, List<String> analyses) {}

	private record Indexed(WaveformFeatures features, Map<String, List<CodeableConcept>> analyses) {}

	private final DaoRegistry myDaos;
	private final CareRelationships myCare;
	private final SimilarityIndex myIndex;
	private final SimilarityMethod myMethod;
	private final Recipient myRecipient;
	private final Map<String, Indexed> myIndexed = new ConcurrentHashMap<>();

	SimilarCases(DaoRegistry theDaos, CareRelationships theCare, SimilarityIndex theIndex, SimilarityMethod theMethod, Recipient theRecipient) {
		myDaos = theDaos;
		myCare = theCare;
		myIndex = theIndex;
		myMethod = theMethod;
		myRecipient = theRecipient;
	}

	public SimilarityMethod method() {
		return myMethod;
	}

	/** Indexes the recordings {@code theReport} diagnoses, if it is a final report with conclusion codes. */
	void diagnosed(DiagnosticReport theReport) {
		if (theReport.getStatus() != DiagnosticReport.DiagnosticReportStatus.FINAL || !theReport.hasConclusionCode()) {
			return;
		}
		String analysis = theReport.getIdElement().toUnqualifiedVersionless().getValue();
		for (Reference result : theReport.getResult()) {
			if (result.getReference() == null || !result.getReference().startsWith("Observation/")) {
				continue;
			}
			String id = new IdType(result.getReference()).toUnqualifiedVersionless().getValue();
			Indexed known = myIndexed.get(id);
			if (known != null) {
				known.analyses().put(analysis, theReport.getConclusionCode());
				continue;
			}
			Observation recording = myDaos.getResourceDao(Observation.class).read(new IdType(id), new SystemRequestDetails());
			features(recording).ifPresent(features -> {
				Map<String, List<CodeableConcept>> analyses = new ConcurrentHashMap<>();
				analyses.put(analysis, theReport.getConclusionCode());
				myIndexed.put(id, new Indexed(features, analyses));
				myIndex.put(id, features.signature(), features.vector());
			});
		}
	}

	/** The {@code theCount} diagnosed recordings most like {@code theRecording}, best first, itself left out. */
	public List<Match> findSimilar(Observation theRecording, int theCount) {
		return findSimilar(theRecording, WaveformFeatures.of(Waveform.of(theRecording), myMethod), theCount);
	}

	private List<Match> findSimilar(Observation theRecording, WaveformFeatures theQuery, int theCount) {
		String self = theRecording.getIdElement().toUnqualifiedVersionless().getValue();
		List<Match> matches = new ArrayList<>();
		for (SimilarityIndex.Hit hit : myIndex.nearest(theQuery.signature(), theQuery.vector(), Math.max(theCount, myMethod.candidates()))) {
			Indexed candidate = myIndexed.get(hit.id());
			if (candidate == null || hit.id().equals(self)) {
				continue;
			}
			List<CodeableConcept> diagnoses = candidate.analyses().values().stream().flatMap(List::stream).toList();
			matches.add(new Match(hit.id(), theQuery.score(candidate.features(), myMethod), diagnoses, List.copyOf(candidate.analyses().keySet())));
		}
		return matches.stream().sorted(Comparator.comparingDouble(Match::score).reversed()).limit(theCount).toList();
	}

	/** A new recording: when a diagnosed one is at least as alike as the threshold, its diagnoses go to whoever looks after the patient. */
	void arrived(Observation theRecording) {
		Optional<WaveformFeatures> features = myIndexed.isEmpty() ? Optional.empty() : features(theRecording);
		if (features.isEmpty()) {
			return;
		}
		List<Match> best = findSimilar(theRecording, features.get(), 1);
		if (best.isEmpty() || best.get(0).score() < myMethod.threshold()) {
			return;
		}
		Match match = best.get(0);
		String patient = theRecording.getSubject().getReference();
		List<String> recipients = myRecipient == Recipient.PATIENT ? List.of(patient) : myCare.practitionersOf(patient);
		String recording = theRecording.getIdElement().toUnqualifiedVersionless().getValue();
		String diagnoses = match.diagnoses().stream().map(SimilarCases::display).distinct().collect(Collectors.joining("; "));
		for (String recipient : recipients) {
			Communication notice = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSent(new Date())
					.setSubject(new Reference(patient))
					.setTopic(new CodeableConcept(new Coding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.SIMILAR_CASE, "Similar earlier case")));
			notice.addAbout(new Reference(recording));
			notice.addAbout(new Reference(match.dataSet()));
			match.analyses().forEach(analysis -> notice.addAbout(new Reference(analysis)));
			match.diagnoses().forEach(diagnosis -> notice.addReasonCode(diagnosis.copy()));
			notice.addRecipient(new Reference(recipient));
			notice.addPayload().setContent(new StringType(String.format(Locale.ROOT,
					"This recording resembles one diagnosed earlier as: %s (similarity %.3f, method %s). A suggestion to confirm, not a diagnosis.",
					diagnoses, match.score(), myMethod.version())));
			myDaos.getResourceDao(Communication.class).create(notice, new SystemRequestDetails());
		}
		ourLog.info("{} resembles the diagnosed {} (score {}): told {}", recording, match.dataSet(), match.score(), recipients);
	}

	/** Indexes every recording a stored final report diagnoses: the index lives in memory, so at each start. */
	void rebuild() {
		SearchParameterMap recordings = SearchParameterMap.newSynchronous()
				.add(Observation.SP_CODE, new TokenParam(OpenImdUris.CARDIAC_WAVEFORM_SYSTEM, null));
		List<String> ids = myDaos.getResourceDao(Observation.class).searchForIds(recordings, new SystemRequestDetails()).stream()
				.map(id -> "Observation/" + id.getId()).toList();
		for (int from = 0; from < ids.size(); from += REBUILD_BATCH) {
			ReferenceOrListParam anyOf = new ReferenceOrListParam();
			ids.subList(from, Math.min(ids.size(), from + REBUILD_BATCH)).forEach(id -> anyOf.addOr(new ReferenceParam(id)));
			SearchParameterMap reports = SearchParameterMap.newSynchronous()
					.add(DiagnosticReport.SP_STATUS, new TokenParam(DiagnosticReport.DiagnosticReportStatus.FINAL.toCode()))
					.add(DiagnosticReport.SP_RESULT, anyOf);
			myDaos.getResourceDao(DiagnosticReport.class).searchForResources(reports, new SystemRequestDetails())
					.forEach(report -> diagnosed((DiagnosticReport) report));
		}
		ourLog.info("Similar cases: {} diagnosed recordings indexed", myIndex.size());
	}

	private Optional<WaveformFeatures> features(Observation theRecording) {
		try {
			return Optional.of(WaveformFeatures.of(Waveform.of(theRecording), myMethod));
		} catch (Waveform.NotAWaveformException | WaveformFeatures.NoFeaturesException e) {
			return Optional.empty();
		}
	}

	private static String display(CodeableConcept theDiagnosis) {
		return theDiagnosis.hasText() ? theDiagnosis.getText()
				: theDiagnosis.getCoding().stream().map(coding -> coding.hasDisplay() ? coding.getDisplay() : coding.getCode()).findFirst().orElse("?");
	}
}
