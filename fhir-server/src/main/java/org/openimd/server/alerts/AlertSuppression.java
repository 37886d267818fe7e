package org.openimd.server.alerts;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.alerts.AlertJudge.Alert;
import org.openimd.server.alerts.AlertJudge.Worse;
import org.openimd.server.alerts.Transmission.Reading;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.alerts.AlertKnowledge.Kind;

/**
 * Keeps an ongoing condition from alerting at every transmission. A condition is a rule on one reading
 * of one device (the lead channel's impedance, the battery's status). Raised again are: one not raised
 * before; one still open (no {@code mitigation} on its DetectedIssue) whose value is worse than when it
 * was raised, or that has been open longer than the suppression window; one acknowledged (a
 * {@code mitigation}) whose value has changed since. New therapies, episodes and clusters of them are news each time.
 */
final class AlertSuppression {

	private final DaoRegistry myDaos;
	private final Duration myWindow;
	private final Clock myClock;

	AlertSuppression(DaoRegistry theDaos, Duration theWindow, Clock theClock) {
		myDaos = theDaos;
		myWindow = theWindow;
		myClock = theClock;
	}

	/** What the DetectedIssue of {@code theAlert} records as its condition: the rule, the term and its instance. */
	static String conditionOf(Alert theAlert) {
		Reading judged = theAlert.evidence().get(0);
		return theAlert.rule().id() + " " + judged.code() + " " + judged.instance();
	}

	List<Alert> newOrWorse(List<Alert> theAlerts, Reference thePatient, Reference theDevice) {
		return theAlerts.stream().filter(alert -> alert.rule().kind() == Kind.COUNT || alert.rule().kind() == Kind.EVENT || alert.rule().kind() == Kind.CLUSTER
				|| raisedAgain(alert, thePatient, theDevice)).toList();
	}

	private boolean raisedAgain(Alert theAlert, Reference thePatient, Reference theDevice) {
		Optional<DetectedIssue> last = lastRaised(theAlert, thePatient, theDevice);
		if (last.isEmpty()) {
			return true;
		}
		Optional<Type> then = valueThen(last.get(), theAlert.evidence().get(0));
		Type now = theAlert.evidence().get(0).value();
		if (last.get().hasMitigation()) {
			return then.map(value -> !value.equalsDeep(now)).orElse(true);
		}
		boolean stale = last.get().getIdentifiedDateTimeType().getValue().toInstant().plus(myWindow).isBefore(myClock.instant());
		return stale || worse(theAlert.worse(), then, now);
	}

	private static boolean worse(Worse theWay, Optional<Type> theThen, Type theNow) {
		Optional<BigDecimal> then = theThen.filter(Quantity.class::isInstance).map(value -> ((Quantity) value).getValue());
		if (theWay == Worse.NEVER || then.isEmpty() || !(theNow instanceof Quantity now) || !now.hasValue()) {
			return false;
		}
		int moved = now.getValue().compareTo(then.get());
		return theWay == Worse.HIGHER ? moved > 0 : moved < 0;
	}

	private Optional<DetectedIssue> lastRaised(Alert theAlert, Reference thePatient, Reference theDevice) {
		SearchParameterMap search = SearchParameterMap.newSynchronous()
				.add(DetectedIssue.SP_PATIENT, new ReferenceParam(thePatient.getReference()))
				.add(DetectedIssue.SP_CODE, new TokenParam(OpenImdUris.ALERT_RULE_SYSTEM, theAlert.rule().id()));
		String condition = conditionOf(theAlert);
		return myDaos.getResourceDao(DetectedIssue.class).search(search, new SystemRequestDetails()).getAllResources().stream()
				.map(DetectedIssue.class::cast)
				.filter(issue -> issue.getStatus() != DetectedIssue.DetectedIssueStatus.CANCELLED
						&& issue.getStatus() != DetectedIssue.DetectedIssueStatus.ENTEREDINERROR)
				.filter(issue -> issue.getImplicated().stream().anyMatch(implicated -> Objects.equals(implicated.getReference(), theDevice.getReference())))
				.filter(issue -> issue.getEvidence().stream().flatMap(evidence -> evidence.getCode().stream())
						.anyMatch(code -> condition.equals(code.getText())))
				// raised within the same millisecond, the later stored is the later raised
				.max(Comparator.comparing((DetectedIssue issue) -> issue.getIdentifiedDateTimeType().getValue())
						.thenComparing(issue -> issue.getIdElement().getIdPartAsLong()));
	}

	/** The reading's value when {@code theIssue} was raised, from the measurements it names as evidence. */
	private Optional<Type> valueThen(DetectedIssue theIssue, Reading theReading) {
		return theIssue.getEvidence().stream().flatMap(evidence -> evidence.getDetail().stream()).findFirst()
				.map(detail -> (Observation) myDaos.getResourceDao(Observation.class).read(new IdType(detail.getReference()), new SystemRequestDetails()))
				.flatMap(measurements -> Transmission.readings(measurements).stream()
						.filter(reading -> reading.code().equals(theReading.code()) && reading.instance() == theReading.instance()).findFirst())
				.map(Reading::value);
	}
}
