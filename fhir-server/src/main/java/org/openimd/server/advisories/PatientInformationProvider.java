package org.openimd.server.advisories;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;

/**
 * {@code $publish-information}: information for patients other than advisories (a clinical trial
 * recruiting, a support group, educational material), published by an administrator for every patient
 * or by a clinician for their own patients, to the patients it is meant for: those with a device of a
 * given type, a condition, or an address in a region (each kind of target named narrows the patients; a
 * kind with several values takes any of them). Each patient gets a Communication in the same channel as
 * advisory notices (and so through the {@code message} subscription topic); publishing the same
 * identifier again reaches only patients not reached before. All notices are written in one
 * transaction.
 */
public class PatientInformationProvider {

	static final String PUBLISH = "$publish-information";
	private static final Set<String> KINDS = Set.of("clinical-trial", "support-group", "education");
	/** Administrators, and clinicians (for their own patients), who may write Communications. */
	static final Predicate<AccessContext> MAY_PUBLISH = access -> access.permits("Communication", 'c')
			&& access.policy().filter(policy -> policy == Role.ADMIN || policy == Role.CLINICIAN).isPresent();

	private final DaoRegistry myDaos;
	private final IFhirSystemDao<Bundle, ?> mySystemDao;
	private final CareRelationships myCare;
	private final AuditTrail myAudit;
	private final Clock myClock;

	PatientInformationProvider(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, CareRelationships theCare, AuditTrail theAudit,
			Clock theClock) {
		myDaos = theDaos;
		mySystemDao = theSystemDao;
		myCare = theCare;
		myAudit = theAudit;
		myClock = theClock;
	}

	@Operation(name = PUBLISH)
	public Parameters publish(@ResourceParam Parameters theInformation, RequestDetails theRequest) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (!MAY_PUBLISH.test(access)) {
			throw new ForbiddenOperationException(PUBLISH + " is for administrators and clinicians who may write Communications");
		}
		// A person's own record names them as sender; an administrator without one is known by their username.
		Optional<String> sender = access.token().map(token -> token.getClaimAsString("fhirUser"))
				.map(fhirUser -> new IdType(fhirUser).toUnqualifiedVersionless().getValue());
		String publisher = sender.orElseGet(() -> "user/" + access.token().orElseThrow().getSubject());
		String identifier = Notices.required(theInformation, "identifier");
		String title = Notices.required(theInformation, "title");
		String body = Notices.required(theInformation, "text");
		String kind = Notices.required(theInformation, "kind");
		if (!KINDS.contains(kind)) {
			throw new InvalidRequestException("kind is one of " + new TreeSet<>(KINDS) + ", not " + kind);
		}
		List<Coding> deviceTypes = codings(theInformation, "deviceType");
		List<Coding> conditions = codings(theInformation, "condition");
		List<String> regions = theInformation.getParameters("region").stream().filter(Parameters.ParametersParameterComponent::hasValue)
				.map(region -> ((Type) region.getValue()).primitiveValue()).toList();
		if (deviceTypes.isEmpty() && conditions.isEmpty() && regions.isEmpty()) {
			throw new InvalidRequestException("name whom it is for: a deviceType, a condition or a region");
		}

		Optional<Set<String>> patients = access.patientLimit().map(HashSet::new);
		if (!deviceTypes.isEmpty()) {
			patients = narrowed(patients, patientsOf(ServerSearches.everyMatch(myDaos, Device.class, SearchParameterMap.newSynchronous().add(Device.SP_TYPE, anyOf(deviceTypes))),
					Device::getPatient));
		}
		if (!conditions.isEmpty()) {
			patients = narrowed(patients, patientsOf(ServerSearches.everyMatch(myDaos, Condition.class,
					SearchParameterMap.newSynchronous().add(Condition.SP_CODE, anyOf(conditions))), Condition::getSubject));
		}
		if (!regions.isEmpty()) {
			Set<String> inRegions = new HashSet<>();
			for (String region : regions) {
				for (String parameter : List.of(Patient.SP_ADDRESS_STATE, Patient.SP_ADDRESS_COUNTRY)) {
					ServerSearches.everyMatch(myDaos, Patient.class, SearchParameterMap.newSynchronous().add(parameter, new StringParam(region).setExact(true)))
							.forEach(patient -> inRegions.add(patient.getIdElement().getIdPart()));
				}
			}
			patients = narrowed(patients, inRegions);
		}

		String notice = publisher + "/" + identifier;
		Set<String> reachedBefore = new HashSet<>();
		ServerSearches.everyMatch(myDaos, Communication.class, SearchParameterMap.newSynchronous().add(Communication.SP_IDENTIFIER,
				new TokenParam(OpenImdUris.PATIENT_INFORMATION_IDENTIFIER, notice)))
				.forEach(sent -> reachedBefore.add(sent.getSubject().getReferenceElement().getIdPart()));
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		Set<String> reached = new TreeSet<>(patients.orElseThrow());
		int added = 0;
		for (String patient : reached) {
			if (reachedBefore.contains(patient)) {
				continue;
			}
			Communication information = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED)
					.setSubject(new Reference("Patient/" + patient)).setSent(Date.from(myClock.instant())).setTopic(new CodeableConcept().setText(title));
			sender.ifPresent(person -> information.setSender(new Reference(person)));
			information.addIdentifier().setSystem(OpenImdUris.PATIENT_INFORMATION_IDENTIFIER).setValue(notice);
			information.addRecipient(new Reference("Patient/" + patient));
			information.addCategory(new CodeableConcept(new Coding(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.PATIENT_INFORMATION, null)));
			information.addCategory(new CodeableConcept(new Coding(OpenImdUris.ADVISORY_SYSTEM, kind, null)));
			information.addPayload().setContent(new StringType(body));
			transaction.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(information).getRequest()
					.setMethod(Bundle.HTTPVerb.POST).setUrl("Communication");
			added++;
		}
		if (added > 0) {
			mySystemDao.transaction(new SystemRequestDetails(), transaction);
		}
		myAudit.record(AuditEvents.operationCalled(PUBLISH, kind + " " + identifier + " by " + publisher + " to " + reached.size() + " patients",
				reached.stream().map(patient -> new Reference("Patient/" + patient)).toList(), true, AuditEvents.remoteAddress(theRequest)));
		Parameters answer = new Parameters();
		answer.addParameter().setName("reached").setValue(new IntegerType(reached.size()));
		answer.addParameter().setName("newlyReached").setValue(new IntegerType(added));
		return answer;
	}

	/** The patients so far (empty: every patient) that are also among {@code theNamed}. */
	private static Optional<Set<String>> narrowed(Optional<Set<String>> theSoFar, Set<String> theNamed) {
		return Optional.of(theSoFar.map(soFar -> {
			soFar.retainAll(theNamed);
			return soFar;
		}).orElse(theNamed));
	}

	/** The ids of the patients {@code theFound} refer to by {@code theReference}. */
	private static <T> Set<String> patientsOf(List<T> theFound, Function<T, Reference> theReference) {
		return theFound.stream().map(theReference).map(Reference::getReferenceElement)
				.filter(reference -> "Patient".equals(reference.getResourceType())).map(reference -> reference.getIdPart()).collect(Collectors.toSet());
	}

	private static TokenOrListParam anyOf(List<Coding> theCodings) {
		TokenOrListParam any = new TokenOrListParam();
		theCodings.forEach(coding -> any.addOr(new TokenParam(coding.getSystem(), coding.getCode())));
		return any;
	}

	private static List<Coding> codings(Parameters theInformation, String theName) {
		return theInformation.getParameters(theName).stream().map(parameter -> {
			if (!(parameter.getValue() instanceof Coding coding) || !coding.hasSystem() || !coding.hasCode()) {
				throw new InvalidRequestException(theName + " is a Coding with a system and a code");
			}
			return coding;
		}).toList();
	}

}
