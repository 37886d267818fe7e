package org.openimd.server.similar;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.param.TokenParamModifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
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
import org.openimd.terminology.Loinc;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.ReviewCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Earlier diagnoses for new data sets. Every ECG strip, EGM episode or interrogation (its IDCO
 * measurements) that a final DiagnosticReport with a conclusion code names among its results (a
 * reviewer's analysis, a physician's reading) is indexed with those diagnoses; a new one is compared
 * with the indexed ones of its kind and signature (the index's nearest neighbours, re-ranked exactly),
 * and when the best scores at least the threshold its diagnoses go to whoever looks after the patient
 * as a Communication: the new data set, the earlier diagnoses and score (never the earlier case's ids,
 * which point into another patient's record), the method's version, and that it is a suggestion to
 * confirm.
 */
public class SimilarCases implements AutoCloseable {

	private static final Logger ourLog = LoggerFactory.getLogger(SimilarCases.class);

	/** Project decision: how long after it was written a report may still commit and be missed by a look. */
	static final Duration COMMIT_LAG = Duration.ofMinutes(1);

	/** Who hears of a similar earlier case: the patient's physicians (the default) or the patient. */
	public enum Recipient { PHYSICIAN, PATIENT }

	/**
	 * @param dataSet e.g. {@code Observation/40}
	 * @param analyses the DiagnosticReports that diagnose it
	 */
	public record Match(String dataSet, double score, List<CodeableConcept> diagnoses, List<String> analyses) {}

	/** The best matches of a data set, and the version and threshold of the method that found them. */
	public record Answer(String method, double threshold, List<Match> matches) {}

	private record Kind(Comparison comparison, SimilarityIndex index) {}

	private record Indexed(Comparison.Features features, Map<String, List<CodeableConcept>> analyses) {}

	private final DaoRegistry myDaos;
	private final CareRelationships myCare;
	private final List<Kind> myKinds;
	private final Recipient myRecipient;
	private final Clock myClock;
	private final Map<String, Indexed> myIndexed = new ConcurrentHashMap<>();
	private volatile Instant myIndexedSince;

	/** @param theIndexes makes each comparison's index, in its metric */
	SimilarCases(DaoRegistry theDaos, CareRelationships theCare, List<Comparison> theComparisons,
			Function<SimilarityIndex.Metric, SimilarityIndex> theIndexes, Recipient theRecipient, Clock theClock) {
		myDaos = theDaos;
		myCare = theCare;
		myKinds = theComparisons.stream().map(comparison -> new Kind(comparison, theIndexes.apply(comparison.metric()))).toList();
		myRecipient = theRecipient;
		myClock = theClock;
	}

	/** Whether {@code theObservation} is a data set of a kind OpenIMD compares. */
	boolean compares(Observation theObservation) {
		return kindOf(theObservation).isPresent();
	}

	private Optional<Kind> kindOf(Observation theObservation) {
		return myKinds.stream().filter(kind -> kind.comparison().accepts(theObservation)).findFirst();
	}

	/** Indexes the data sets {@code theReport} diagnoses, if it is a final report with conclusion codes. */
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
			Observation dataSet = myDaos.getResourceDao(Observation.class).read(new IdType(id), new SystemRequestDetails());
			kindOf(dataSet).ifPresent(kind -> features(kind, dataSet).ifPresent(features -> {
				Map<String, List<CodeableConcept>> analyses = new ConcurrentHashMap<>();
				analyses.put(analysis, theReport.getConclusionCode());
				myIndexed.put(id, new Indexed(features, analyses));
				kind.index().put(id, features.signature(), features.vector());
			}));
		}
	}

	/**
	 * The {@code theCount} diagnosed data sets most like {@code theDataSet}, best first, itself left out.
	 *
	 * @throws Comparison.NotComparableException when it is of no kind OpenIMD compares or has nothing to compare
	 */
	public Answer findSimilar(Observation theDataSet, int theCount) {
		Kind kind = kindOf(theDataSet).orElseThrow(() -> new Comparison.NotComparableException(
				"OpenIMD compares ECG strips, EGM episodes and interrogations' IDCO measurements, not " + theDataSet.getCode().getCodingFirstRep().getCode()));
		return new Answer(kind.comparison().version(), kind.comparison().threshold(),
				findSimilar(kind, theDataSet, kind.comparison().features(theDataSet), theCount));
	}

	private List<Match> findSimilar(Kind theKind, Observation theDataSet, Comparison.Features theQuery, int theCount) {
		String self = theDataSet.getIdElement().toUnqualifiedVersionless().getValue();
		List<Match> matches = new ArrayList<>();
		for (SimilarityIndex.Hit hit : theKind.index().nearest(theQuery.signature(), theQuery.vector(), Math.max(theCount, theKind.comparison().candidates()))) {
			Indexed candidate = myIndexed.get(hit.id());
			if (candidate == null || hit.id().equals(self)) {
				continue;
			}
			List<CodeableConcept> diagnoses = candidate.analyses().values().stream().flatMap(List::stream).toList();
			matches.add(new Match(hit.id(), theKind.comparison().score(theQuery, candidate.features()), diagnoses, List.copyOf(candidate.analyses().keySet())));
		}
		return matches.stream().sorted(Comparator.comparingDouble(Match::score).reversed()).limit(theCount).toList();
	}

	/** A new data set: when a diagnosed one is at least as alike as the threshold, its diagnoses go to whoever looks after the patient. */
	void arrived(Observation theDataSet) {
		Optional<Kind> kind = myIndexed.isEmpty() ? Optional.empty() : kindOf(theDataSet);
		Optional<Comparison.Features> features = kind.flatMap(found -> features(found, theDataSet));
		if (features.isEmpty()) {
			return;
		}
		Comparison comparison = kind.get().comparison();
		List<Match> best = findSimilar(kind.get(), theDataSet, features.get(), 1);
		if (best.isEmpty() || best.get(0).score() < comparison.threshold()) {
			return;
		}
		Match match = best.get(0);
		String patient = theDataSet.getSubject().getReference();
		List<String> recipients = myRecipient == Recipient.PATIENT ? List.of(patient) : myCare.practitionersOf(patient);
		String dataSet = theDataSet.getIdElement().toUnqualifiedVersionless().getValue();
		String diagnoses = match.diagnoses().stream().map(SimilarCases::display).distinct().collect(Collectors.joining("; "));
		for (String recipient : recipients) {
			Communication notice = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSent(Date.from(myClock.instant()))
					.setSubject(new Reference(patient))
					.setTopic(new CodeableConcept(new Coding(OpenImdUris.REVIEW_SYSTEM, ReviewCodes.SIMILAR_CASE, "Similar earlier case")));
			// Its kind as category too: R4 searches a Communication by category, and the similar-case subscription topic triggers on it.
			notice.addCategory(notice.getTopic().copy());
			// The earlier case is named by its diagnoses and score alone: its ids would point into another patient's record.
			notice.addAbout(new Reference(dataSet));
			match.diagnoses().forEach(diagnosis -> notice.addReasonCode(diagnosis.copy()));
			notice.addRecipient(new Reference(recipient));
			notice.addPayload().setContent(new StringType(String.format(Locale.ROOT,
					"This data set resembles one diagnosed earlier as: %s (similarity %.3f, method %s). A suggestion to confirm, not a diagnosis.",
					diagnoses, match.score(), comparison.version())));
			myDaos.getResourceDao(Communication.class).create(notice, new SystemRequestDetails());
		}
		ourLog.info("{} resembles the diagnosed {} (score {}): told {}", dataSet, match.dataSet(), match.score(), recipients);
	}

	/** Indexes every data set a stored final report diagnoses: the indexes live in memory, so at each start. */
	void rebuild() {
		myIndexedSince = myClock.instant();
		indexDiagnosed(Optional.empty());
		myKinds.forEach(kind -> ourLog.info("Similar cases: {} diagnosed data sets indexed for comparison by method {}", kind.index().size(),
				kind.comparison().version()));
	}

	/**
	 * Indexes what the reports stored since the last look diagnose, wherever they were written: a node
	 * of a cluster sees only its own writes as they commit. A report's time is when it was written, not
	 * when its transaction committed, so each look reaches {@link #COMMIT_LAG} further back; indexing a
	 * data set again changes nothing.
	 */
	void catchUp() {
		Instant lookingAt = myClock.instant();
		try {
			indexDiagnosed(Optional.of(myIndexedSince.minus(COMMIT_LAG)));
			myIndexedSince = lookingAt;
		} catch (RuntimeException e) {
			// the next look starts where this one did
			ourLog.warn("Similar cases: the look for diagnoses stored by other nodes failed ({})", e.getMessage());
		}
	}

	private void indexDiagnosed(Optional<Instant> theSince) {
		for (Kind kind : myKinds) {
			// An interrogation's own report names its measurements too; it is the data set, not a diagnosis of it.
			SearchParameterMap reports = SearchParameterMap.newSynchronous()
					.add(DiagnosticReport.SP_STATUS, new TokenParam(DiagnosticReport.DiagnosticReportStatus.FINAL.toCode()))
					.add(DiagnosticReport.SP_CODE, new TokenParam(Loinc.SYSTEM, Loinc.CARDIAC_EP_PROCEDURE_NOTE).setModifier(TokenParamModifier.NOT))
					.add(DiagnosticReport.SP_RESULT, new ReferenceParam("Observation", Observation.SP_CODE, kind.comparison().storedAs()));
			theSince.ifPresent(since -> reports.setLastUpdated(new DateRangeParam(new DateParam(ParamPrefixEnum.GREATERTHAN_OR_EQUALS, Date.from(since)), null)));
			myDaos.getResourceDao(DiagnosticReport.class).searchForResources(reports, new SystemRequestDetails())
					.forEach(report -> diagnosed((DiagnosticReport) report));
		}
	}

	private static Optional<Comparison.Features> features(Kind theKind, Observation theDataSet) {
		try {
			return Optional.of(theKind.comparison().features(theDataSet));
		} catch (Comparison.NotComparableException e) {
			return Optional.empty();
		}
	}

	private static String display(CodeableConcept theDiagnosis) {
		return theDiagnosis.hasText() ? theDiagnosis.getText()
				: theDiagnosis.getCoding().stream().map(coding -> coding.hasDisplay() ? coding.getDisplay() : coding.getCode()).findFirst().orElse("?");
	}

	@Override
	public void close() {
		myKinds.forEach(kind -> kind.index().close());
	}
}
