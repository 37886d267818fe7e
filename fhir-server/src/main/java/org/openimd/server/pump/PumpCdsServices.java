package org.openimd.server.pump;

import ca.uhn.fhir.rest.api.server.cdshooks.CdsServiceRequestJson;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.hapi.fhir.cdshooks.api.CdsPrefetchFailureMode;
import ca.uhn.hapi.fhir.cdshooks.api.CdsResolutionStrategyEnum;
import ca.uhn.hapi.fhir.cdshooks.api.ICdsServiceRegistry;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceIndicatorEnum;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCardSourceJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseCodingJson;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.openimd.server.pump.PumpPrescriptionCheck.LimitingFactor;
import org.openimd.terminology.OpenImdUris;
import org.openimd.terminology.intrathecal.IntrathecalKnowledge.Severity;

/**
 * The pump checks as CDS Hooks services, so that an EHR shows their findings while the clinician
 * prescribes: {@code order-select} checks the orders just selected, {@code order-sign} every draft order
 * about to be signed. Each finding becomes a card, critical for what this server would refuse to store;
 * an order that passes also gets an info card with its refill interval.
 *
 * <p>The pump and the patient come from the hook's request alone: contained in the order, in
 * {@code draftOrders}, or in the {@code patient} and {@code devices} prefetch. An intrathecal order whose
 * pump is in none of them gets a critical card saying so.
 */
public class PumpCdsServices {

	static final String ORDER_SELECT = "openimd-pump-order-select";
	static final String ORDER_SIGN = "openimd-pump-order-sign";
	private static final String PATIENT = "patient";
	private static final String DEVICES = "devices";
	private static final String SOURCE = "OpenIMD intrathecal pump rules";
	/** CDS Hooks: a card's summary is under 140 characters. */
	private static final int SUMMARY_LENGTH = 139;

	private final PumpOperations myOperations;
	private final PumpOrders myOrders;

	public PumpCdsServices(PumpOperations theOperations) {
		myOperations = theOperations;
		myOrders = new PumpOrders(theOperations.reader());
	}

	public void registerWith(ICdsServiceRegistry theRegistry) {
		theRegistry.registerService(ORDER_SELECT, request -> cards(request, selected(request)), definition(ORDER_SELECT, "order-select",
				"Intrathecal pump prescription checks on selection",
				"Checks the selected intrathecal pump orders (dose, concentration, stability, admixture, pump, refill interval) against the "
						+ "OpenIMD intrathecal rules and answers each finding as a card."), false, PumpCdsServices.class.getName());
		theRegistry.registerService(ORDER_SIGN, request -> cards(request, drafts(request)), definition(ORDER_SIGN, "order-sign",
				"Intrathecal pump prescription checks before signing",
				"Checks every intrathecal pump order about to be signed; a critical card marks what OpenIMD would refuse to store."),
				false, PumpCdsServices.class.getName());
	}

	private static CdsServiceJson definition(String theId, String theHook, String theTitle, String theDescription) {
		CdsServiceJson service = new CdsServiceJson().setId(theId).setHook(theHook).setTitle(theTitle).setDescription(theDescription);
		prefetch(service, PATIENT, "Patient/{{context.patientId}}");
		prefetch(service, DEVICES, "Device?patient={{context.patientId}}");
		return service;
	}

	private static void prefetch(CdsServiceJson theService, String theKey, String theQuery) {
		theService.addPrefetch(theKey, theQuery);
		theService.addSource(theKey, CdsResolutionStrategyEnum.NONE);
		theService.addPrefetchFailureMode(theKey, CdsPrefetchFailureMode.OMIT);
	}

	private CdsServiceResponseJson cards(CdsServiceRequestJson theRequest, List<MedicationRequest> theOrders) {
		CdsServiceResponseJson response = new CdsServiceResponseJson();
		Function<Reference, Optional<IBaseResource>> resolver = reference -> resolve(reference, theRequest);
		for (MedicationRequest order : theOrders) {
			if (PumpOrders.isChecked(order)) {
				cards(order, contained(order, resolver)).forEach(response::addCard);
			}
		}
		return response;
	}

	private List<CdsServiceResponseCardJson> cards(MedicationRequest theOrder, Function<Reference, Optional<IBaseResource>> theResolver) {
		String order = Optional.ofNullable(theOrder.getIdElement().getIdPart()).map(id -> "MedicationRequest/" + id).orElse("the order");
		Optional<PumpPrescription> prescription;
		try {
			prescription = myOrders.prescription(theOrder, PumpOrders.flags(theOrder), theResolver);
		} catch (UnprocessableEntityException e) {
			return List.of(card(CdsServiceIndicatorEnum.CRITICAL, "Pump order cannot be checked: " + e.getMessage(), order + ": " + e.getMessage(),
					SOURCE, Optional.empty()));
		} catch (PumpInputException e) {
			return List.of(card(CdsServiceIndicatorEnum.CRITICAL, "Pump order cannot be read at " + e.location() + ": " + e.getMessage(),
					order + ", " + e.location() + ": " + e.getMessage(), SOURCE, Optional.empty()));
		}
		if (prescription.isEmpty()) {
			return List.of();
		}
		PumpPrescriptionCheck.Result result = myOperations.check().check(prescription.get());
		String source = SOURCE + ", knowledge " + result.knowledgeVersion();
		Stream<CdsServiceResponseCardJson> findings = result.findings().stream().map(finding -> card(indicator(finding.severity()),
				finding.rule() + ": " + finding.message(), "**" + finding.rule() + "** (" + order
						+ finding.ingredient().map(drug -> ", " + drug.display()).orElse("") + "): " + finding.message(),
				source, Optional.of(finding.rule())));
		if (result.status() == PumpPrescriptionCheck.Status.REJECT) {
			return findings.toList();
		}
		String interval = "Refill within " + result.refillIntervalDays() + " days (limited by "
				+ result.limitingFactors().stream().map(LimitingFactor::code).collect(Collectors.joining(", ")) + "), "
				+ result.dailyVolume().toDecimal().toPlainString() + " mL/d";
		return Stream.concat(findings, Stream.of(card(CdsServiceIndicatorEnum.INFO, interval, order + ": " + interval, source, Optional.empty())))
				.toList();
	}

	/** @param theRule the rule ID, which becomes the source's topic */
	private static CdsServiceResponseCardJson card(CdsServiceIndicatorEnum theIndicator, String theSummary, String theDetail, String theSource,
			Optional<String> theRule) {
		String summary = theSummary.length() <= SUMMARY_LENGTH ? theSummary : theSummary.substring(0, SUMMARY_LENGTH - 1) + "…";
		CdsServiceResponseCardSourceJson source = new CdsServiceResponseCardSourceJson().setLabel(theSource);
		theRule.ifPresent(rule -> source.setTopic(new CdsServiceResponseCodingJson().setSystem(OpenImdUris.INTRATHECAL_RULE_SYSTEM).setCode(rule)));
		return new CdsServiceResponseCardJson().setUuid(UUID.randomUUID().toString()).setIndicator(theIndicator).setSummary(summary)
				.setDetail(theDetail).setSource(source);
	}

	private static CdsServiceIndicatorEnum indicator(Severity theSeverity) {
		return switch (theSeverity) {
			case REJECT -> CdsServiceIndicatorEnum.CRITICAL;
			case WARN -> CdsServiceIndicatorEnum.WARNING;
			case INFO -> CdsServiceIndicatorEnum.INFO;
		};
	}

	private static List<MedicationRequest> drafts(CdsServiceRequestJson theRequest) {
		return theRequest.getContext().getResource("draftOrders") instanceof Bundle drafts
				? drafts.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).filter(MedicationRequest.class::isInstance)
						.map(MedicationRequest.class::cast).toList()
				: List.of();
	}

	/** order-select: only the draft orders named in {@code selections}, such as {@code MedicationRequest/abc}. */
	private static List<MedicationRequest> selected(CdsServiceRequestJson theRequest) {
		List<String> selections = Optional.ofNullable(theRequest.getContext().getArray("selections")).orElse(List.of());
		return drafts(theRequest).stream().filter(order -> selections.contains("MedicationRequest/" + order.getIdElement().getIdPart())).toList();
	}

	/** Contained resources first ({@code #pump}), then what the hook's request carries. */
	private static Function<Reference, Optional<IBaseResource>> contained(MedicationRequest theOrder,
			Function<Reference, Optional<IBaseResource>> theResolver) {
		return reference -> reference.getReference() != null && reference.getReference().startsWith("#")
				? theOrder.getContained().stream()
						.filter(resource -> reference.getReference().substring(1).equals(resource.getIdElement().getIdPart().replaceFirst("^#", "")))
						.map(IBaseResource.class::cast).findFirst()
				: theResolver.apply(reference);
	}

	/** A resource the hook's request carries, by type and id: in draftOrders, or prefetched. */
	private static Optional<IBaseResource> resolve(Reference theReference, CdsServiceRequestJson theRequest) {
		if (theReference.getReference() == null) {
			return Optional.empty();
		}
		String type = theReference.getReferenceElement().getResourceType();
		String id = theReference.getReferenceElement().getIdPart();
		Stream<IBaseResource> carried = Stream.of(theRequest.getContext().getResource("draftOrders"), theRequest.getPrefetch(PATIENT),
				theRequest.getPrefetch(DEVICES)).flatMap(resource -> resource instanceof Bundle bundle
						? bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
						: Stream.ofNullable(resource));
		return carried.filter(Resource.class::isInstance).map(Resource.class::cast)
				.filter(resource -> resource.fhirType().equals(type) && resource.getIdElement().getIdPart() != null
						&& resource.getIdElement().getIdPart().equals(id))
				.map(IBaseResource.class::cast).findFirst();
	}
}
