package org.openimd.server.pump;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationDispense.MedicationDispenseStatus;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.server.pump.PumpPrescriptionReader.Flags;
import org.openimd.terminology.OpenImdUris;

/**
 * Pump therapy read from the stored orders (MedicationRequests naming a known pump), their completed
 * dispenses and the DetectedIssues the checks wrote on them. An order's time is its {@code authoredOn},
 * else when it was stored; a dispense's is when it was handed over, else prepared, else stored. An
 * order the checks cannot read (written before a rule changed, say) is left out.
 */
final class StoredPumpTherapies implements PumpTherapies {

	/** Orders that were in use: not drafts, not cancelled, not entered in error. */
	private static final Set<MedicationRequestStatus> IN_USE = Set.of(MedicationRequestStatus.ACTIVE, MedicationRequestStatus.ONHOLD,
			MedicationRequestStatus.COMPLETED, MedicationRequestStatus.STOPPED);
	private static final double HOURS_PER_DAY = 24;

	private final PumpOperations myOperations;
	private final StoredOrders myStored;
	private final DaoRegistry myDaos;

	StoredPumpTherapies(PumpOperations theOperations, DaoRegistry theDaos, Clock theClock) {
		myOperations = theOperations;
		myStored = new StoredOrders(theOperations, theDaos, theClock);
		myDaos = theDaos;
	}

	private record Order(MedicationRequest order, Device pump, Instant when) {}

	@Override
	public List<Prescribed> prescribed(Instant theAsOf) {
		Map<String, Order> latestByPump = new HashMap<>();
		for (MedicationRequest order : ServerSearches.everyMatch(myDaos, MedicationRequest.class, SearchParameterMap.newSynchronous())) {
			Instant when = (order.hasAuthoredOn() ? order.getAuthoredOn() : order.getMeta().getLastUpdated()).toInstant();
			if (!IN_USE.contains(order.getStatus()) || when.isAfter(theAsOf)) {
				continue;
			}
			myStored.pump(order).ifPresent(pump -> latestByPump.merge(pump.getIdElement().toUnqualifiedVersionless().getValue(),
					new Order(order, pump, when), (one, other) -> other.when().isAfter(one.when()) ? other : one));
		}
		List<Prescribed> prescribed = new ArrayList<>();
		latestByPump.forEach((pump, latest) -> read(latest.order(), latest.pump()).ifPresent(prescription -> prescribed.add(new Prescribed(
				latest.order().getSubject().getReferenceElement().getIdPart(), pump, prescription.reference().drug().display(),
				prescription.reference().drug().massUnit() + "/d", prescription.basalDailyDose().toDecimal().doubleValue()))));
		return prescribed;
	}

	@Override
	public List<Refill> refills(Instant theAsOf) {
		record Filled(MedicationDispense dispense, MedicationRequest order, Device pump, Instant when) {}
		Map<String, List<Filled>> byPump = new HashMap<>();
		for (MedicationDispense dispense : ServerSearches.everyMatch(myDaos, MedicationDispense.class, SearchParameterMap.newSynchronous())) {
			Instant when = PumpDispenses.when(dispense).toInstant();
			if (dispense.getStatus() != MedicationDispenseStatus.COMPLETED || when.isAfter(theAsOf)) {
				continue;
			}
			orderOf(dispense).ifPresent(order -> myStored.pump(order).ifPresent(pump -> byPump.computeIfAbsent(
					pump.getIdElement().toUnqualifiedVersionless().getValue(), any -> new ArrayList<>()).add(new Filled(dispense, order, pump, when))));
		}
		List<Refill> refills = new ArrayList<>();
		// an order fills its pump many times: its prescription is read once
		Map<String, Optional<PumpPrescription>> prescriptions = new HashMap<>();
		byPump.forEach((pump, fills) -> {
			fills.sort(Comparator.comparing(Filled::when));
			for (int index = 1; index < fills.size(); index++) {
				Filled fill = fills.get(index);
				double days = Duration.between(fills.get(index - 1).when(), fill.when()).toMinutes() / 60.0 / HOURS_PER_DAY;
				prescriptions.computeIfAbsent(fill.order().getIdElement().toUnqualifiedVersionless().getValue(), order -> read(fill.order(), fill.pump()))
						.ifPresent(prescription -> refills.add(new Refill(
						fill.dispense().getSubject().getReferenceElement().getIdPart(), pump, prescription.reference().drug().display(), days)));
			}
		});
		return refills;
	}

	@Override
	public List<Warning> warnings(Instant theAsOf) {
		List<Warning> warnings = new ArrayList<>();
		for (DetectedIssue issue : ServerSearches.everyMatch(myDaos, DetectedIssue.class,
				SearchParameterMap.newSynchronous().add(DetectedIssue.SP_CODE, new TokenParam(OpenImdUris.INTRATHECAL_RULE_SYSTEM, null)))) {
			if (!issue.hasIdentifiedDateTimeType() || issue.getIdentifiedDateTimeType().getValue().toInstant().isAfter(theAsOf)) {
				continue;
			}
			Optional<Device> pump = issue.getImplicated().stream().map(this::implicatedOrder).flatMap(Optional::stream).findFirst()
					.flatMap(myStored::pump);
			String rule = issue.getCode().getCoding().stream().filter(coding -> OpenImdUris.INTRATHECAL_RULE_SYSTEM.equals(coding.getSystem()))
					.findFirst().orElseThrow().getCode();
			pump.ifPresent(device -> warnings.add(new Warning(issue.getPatient().getReferenceElement().getIdPart(),
					device.getIdElement().toUnqualifiedVersionless().getValue(), rule, myOperations.knowledge().rule(rule).summary())));
		}
		return warnings;
	}

	/** The order a warning is about: the order itself, or the order a dispense filled. */
	private Optional<MedicationRequest> implicatedOrder(Reference theImplicated) {
		IdType id = new IdType(theImplicated.getReference());
		if ("MedicationRequest".equals(id.getResourceType())) {
			return myStored.read(theImplicated).filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast);
		}
		if (!"MedicationDispense".equals(id.getResourceType())) {
			return Optional.empty();
		}
		try {
			return orderOf(myDaos.getResourceDao(MedicationDispense.class).read(id.toUnqualifiedVersionless(), new SystemRequestDetails()));
		} catch (ResourceNotFoundException | ResourceGoneException e) {
			return Optional.empty();
		}
	}

	private Optional<MedicationRequest> orderOf(MedicationDispense theDispense) {
		return theDispense.getAuthorizingPrescription().stream().map(myStored::read).flatMap(Optional::stream)
				.filter(MedicationRequest.class::isInstance).map(MedicationRequest.class::cast).findFirst();
	}

	private Optional<PumpPrescription> read(MedicationRequest theOrder, Device thePump) {
		try {
			return Optional.of(myOperations.reader().read(theOrder, thePump, Flags.NONE, myStored::read));
		} catch (PumpInputException unreadable) {
			return Optional.empty();
		}
	}
}
