package org.openimd.server.analytics;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * The implanted cardiac devices the statistics describe: each Device whose type is coded in IEEE
 * 11073-10103 and that belongs to a patient, with its interrogations (IdcoObservations) recorded up to
 * a moment, oldest first. Read one device at a time and summarised at once, so that a statistic over
 * many devices holds one device's interrogations at a time, not all of them.
 */
final class CardiacDevices {

	static final double DAYS_PER_YEAR = 365.25;

	/** A device with its type, its patient ({@code Patient/7}'s id part) and its interrogations up to the moment asked for. */
	record History(String reference, Device device, Coding type, String patient, List<Interrogation> interrogations) {

		Instant first() {
			return interrogations.get(0).when();
		}

		Instant last() {
			return interrogations.get(interrogations.size() - 1).when();
		}
	}

	/** One interrogation: when it was made, and its values. */
	record Interrogation(Instant when, List<ObservationComponentComponent> values) {

		/** The values of {@code theCode} (an MDC code), whatever their instance. */
		Stream<Type> values(String theCode) {
			return components(theCode).map(ObservationComponentComponent::getValue);
		}

		Optional<Instant> time(String theCode) {
			return values(theCode).map(CardiacDevices::instant).flatMap(Optional::stream).findFirst();
		}

		Optional<Instant> time(String theCode, int theInstance) {
			return value(theCode, theInstance).flatMap(CardiacDevices::instant);
		}

		/** The value of {@code theCode} in instance {@code theInstance} (an episode, a lead: IDCO's OBX-4). */
		Optional<Type> value(String theCode, int theInstance) {
			return components(theCode).filter(value -> instance(value) == theInstance).map(ObservationComponentComponent::getValue).findFirst();
		}

		/** The instances of {@code theCode} this interrogation reports. */
		Stream<Integer> instances(String theCode) {
			return components(theCode).map(Interrogation::instance).distinct();
		}

		private Stream<ObservationComponentComponent> components(String theCode) {
			return values.stream().filter(value -> value.hasValue() && value.getCode().getCoding().stream()
					.anyMatch(coding -> Mdc.SYSTEM.equals(coding.getSystem()) && theCode.equals(coding.getCode())));
		}

		private static int instance(ObservationComponentComponent theValue) {
			return theValue.getExtension().stream().filter(extension -> OpenImdUris.IDCO_INSTANCE_EXTENSION.equals(extension.getUrl()))
					.map(extension -> ((IntegerType) extension.getValue()).getValue()).findFirst().orElse(0);
		}
	}

	private final DaoRegistry myDaos;

	CardiacDevices(DaoRegistry theDaos) {
		myDaos = theDaos;
	}

	/** The years from one moment to another, a year being 365.25 days. */
	static double years(Instant theFrom, Instant theTo) {
		return Duration.between(theFrom, theTo).toMinutes() / 60.0 / 24.0 / DAYS_PER_YEAR;
	}

	private static Optional<Instant> instant(Type theValue) {
		return theValue instanceof DateTimeType dateTime && dateTime.hasValue() ? Optional.of(dateTime.getValue().toInstant()) : Optional.empty();
	}

	/** The alerts (DetectedIssues) that implicate {@code theDevice}, raised up to {@code theAsOf}. */
	List<DetectedIssue> alerts(String theDevice, Instant theAsOf) {
		return ServerSearches.everyMatch(myDaos, DetectedIssue.class,
						SearchParameterMap.newSynchronous().add(DetectedIssue.SP_IMPLICATED, new ReferenceParam(theDevice))).stream()
				.filter(issue -> issue.hasIdentifiedDateTimeType() && !issue.getIdentifiedDateTimeType().getValue().toInstant().isAfter(theAsOf))
				.toList();
	}

	/** The leads of an implanted cardiac device: its patient's Devices whose parent it is. */
	List<Device> leads(History theGenerator) {
		return ServerSearches.everyMatch(myDaos, Device.class, SearchParameterMap.newSynchronous()
						.add(Device.SP_PATIENT, new ReferenceParam("Patient/" + theGenerator.patient()))).stream()
				.filter(device -> device.hasParent() && theGenerator.reference().equals(device.getParent().getReferenceElement().toUnqualifiedVersionless().getValue()))
				.toList();
	}

	/**
	 * {@code theSummary} of each device interrogated at least once up to {@code theAsOf}, with what was
	 * recorded of it up to then; devices it summarises as empty are left out.
	 */
	<T> List<T> summarised(Instant theAsOf, Function<History, Optional<T>> theSummary) {
		List<T> summaries = new ArrayList<>();
		for (Device device : ServerSearches.everyMatch(myDaos, Device.class,
				SearchParameterMap.newSynchronous().add(Device.SP_TYPE, new TokenParam(Mdc.SYSTEM, null)))) {
			Optional<Coding> type = device.getType().getCoding().stream().filter(coding -> Mdc.SYSTEM.equals(coding.getSystem())).findFirst();
			if (type.isEmpty() || !device.hasPatient()) {
				continue;
			}
			String reference = device.getIdElement().toUnqualifiedVersionless().getValue();
			List<Interrogation> interrogations = ServerSearches.everyMatch(myDaos, Observation.class, SearchParameterMap.newSynchronous()
							.add(Observation.SP_DEVICE, new ReferenceParam(reference))
							.add(Observation.SP_CODE, new TokenParam(OpenImdUris.CARDX_CIED_CODE_SYSTEM, OpenImdUris.CARDX_IDCO))).stream()
					.filter(Observation::hasEffectiveDateTimeType)
					.map(observation -> new Interrogation(observation.getEffectiveDateTimeType().getValue().toInstant(), observation.getComponent()))
					.filter(interrogation -> !interrogation.when().isAfter(theAsOf))
					.sorted(Comparator.comparing(Interrogation::when)).toList();
			if (!interrogations.isEmpty()) {
				theSummary.apply(new History(reference, device, type.get(), device.getPatient().getReferenceElement().getIdPart(), interrogations))
						.ifPresent(summaries::add);
			}
		}
		return summaries;
	}
}
