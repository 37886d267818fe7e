package org.openimd.server.advisories;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Communication;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.deid.ManufacturersDevices;
import org.openimd.server.fhir.ServerSearches;
import org.openimd.server.security.AccessContext;
import org.openimd.server.security.CallerReads;
import org.openimd.server.security.CareRelationships;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;

/**
 * Device advisories (a manufacturer's safety notice or recall). {@code $publish-advisory} takes the
 * notice and the devices it names ({@link AdvisoryCriteria}), finds the implanted devices of that
 * manufacturer it names, and writes in one transaction: the advisory (a Communication from the
 * manufacturer, the devices found in {@code about}), for each affected device a Task for its clinic
 * (what to check, by when) and a Communication in plain language to its patient. Publishing the same
 * notice again updates it: devices newly named get their Task and notice, devices no longer named have
 * their open Task cancelled. A manufacturer publishes for its own devices only; an administrator for
 * any manufacturer. {@code $advisory-status} counts the affected devices, the notices their patients
 * have acknowledged ({@code Communication.received}) and the checks completed.
 */
public class AdvisoryProvider {

	static final String PUBLISH = "$publish-advisory";
	static final String STATUS = "$advisory-status";
	/** Manufacturers (for their own devices and advisories) and administrators. */
	static final Predicate<AccessContext> MAY_PUBLISH = access -> access.manufacturer().isPresent()
			|| access.policy().filter(Role.ADMIN::equals).isPresent();

	private final DaoRegistry myDaos;
	private final IFhirSystemDao<Bundle, ?> mySystemDao;
	private final ManufacturersDevices myManufacturers;
	private final CareRelationships myCare;
	private final AuditTrail myAudit;
	private final Clock myClock;

	AdvisoryProvider(DaoRegistry theDaos, IFhirSystemDao<Bundle, ?> theSystemDao, ManufacturersDevices theManufacturers,
			CareRelationships theCare, AuditTrail theAudit, Clock theClock) {
		myDaos = theDaos;
		mySystemDao = theSystemDao;
		myManufacturers = theManufacturers;
		myCare = theCare;
		myAudit = theAudit;
		myClock = theClock;
	}

	@Operation(name = PUBLISH)
	public Parameters publish(@ResourceParam Parameters theNotice, RequestDetails theRequest) {
		String manufacturer = publisher(theRequest, reference(theNotice, "manufacturer"));
		String identifier = Notices.required(theNotice, "identifier");
		String title = Notices.required(theNotice, "title");
		String patientText = Notices.required(theNotice, "patientText");
		String clinicAction = Notices.required(theNotice, "clinicAction");
		Optional<Date> due = Optional.ofNullable(theNotice.getParameter("dueDate")).filter(Parameters.ParametersParameterComponent::hasValue)
				.map(parameter -> parameter.getValue() instanceof DateType date ? date.getValue() : null);
		AdvisoryCriteria criteria = AdvisoryCriteria.of(theNotice.getParameters("device"));
		Map<String, Device> affected = new LinkedHashMap<>();
		for (Device device : myManufacturers.madeBy(manufacturer)) {
			if (device.hasPatient() && device.getStatus() != Device.FHIRDeviceStatus.INACTIVE && criteria.names(device)) {
				affected.put(device.getIdElement().toUnqualifiedVersionless().getValue(), device);
			}
		}

		Optional<Communication> earlier = advisory(manufacturer, identifier);
		Communication advisory = earlier.orElseGet(Communication::new);
		String advisoryUrl = earlier.map(found -> found.getIdElement().toUnqualifiedVersionless().getValue()).orElse("urn:uuid:" + UUID.randomUUID());
		advisory.setStatus(Communication.CommunicationStatus.COMPLETED).setSent(Date.from(myClock.instant())).setSender(new Reference(manufacturer));
		advisory.getIdentifier().clear();
		advisory.addIdentifier().setSystem(OpenImdUris.ADVISORY_IDENTIFIER).setValue(manufacturer + "/" + identifier);
		advisory.getCategory().clear();
		advisory.addCategory(concept(OpenImdUris.DEVICE_ADVISORY, "Device advisory"));
		advisory.setTopic(new CodeableConcept().setText(title));
		advisory.getPayload().clear();
		advisory.addPayload().setContent(new StringType(patientText));
		advisory.addPayload().setContent(new StringType(clinicAction));
		advisory.addPayload().getContentAttachment().setContentType("text/plain").setTitle("the devices the advisory names")
				.setData(criteria.described().getBytes(StandardCharsets.UTF_8));
		advisory.getAbout().clear();
		affected.keySet().forEach(device -> advisory.addAbout(new Reference(device)));

		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		put(transaction, advisoryUrl, advisory);
		Map<String, Task> checks = earlier.map(found -> checksOf(found.getIdElement().toUnqualifiedVersionless().getValue())).orElse(Map.of());
		int added = 0;
		int withdrawn = 0;
		for (Device device : affected.values()) {
			String deviceReference = device.getIdElement().toUnqualifiedVersionless().getValue();
			if (checks.containsKey(deviceReference) && checks.get(deviceReference).getStatus() != Task.TaskStatus.CANCELLED) {
				continue;
			}
			put(transaction, "urn:uuid:" + UUID.randomUUID(), check(advisoryUrl, device, title, clinicAction, due, manufacturer));
			put(transaction, "urn:uuid:" + UUID.randomUUID(), notice(advisoryUrl, device, title, patientText, manufacturer));
			added++;
		}
		for (Map.Entry<String, Task> check : checks.entrySet()) {
			Task task = check.getValue();
			if (!affected.containsKey(check.getKey()) && task.getStatus() != Task.TaskStatus.COMPLETED && task.getStatus() != Task.TaskStatus.CANCELLED) {
				task.setStatus(Task.TaskStatus.CANCELLED).setStatusReason(new CodeableConcept().setText("the advisory no longer names this device"));
				put(transaction, task.getIdElement().toUnqualifiedVersionless().getValue(), task);
				withdrawn++;
			}
		}
		Bundle written = mySystemDao.transaction(new SystemRequestDetails(), transaction);
		String advisoryId = new IdType(written.getEntryFirstRep().getResponse().getLocation()).toUnqualifiedVersionless().getValue();
		myAudit.record(AuditEvents.operationCalled(PUBLISH, "advisory " + identifier + " of " + manufacturer + ": " + affected.size()
				+ " devices affected, " + added + " newly, " + withdrawn + " no longer", affected.values().stream()
				.map(device -> new Reference(device.getPatient().getReferenceElement().toUnqualifiedVersionless().getValue())).distinct().toList(),
				true, AuditEvents.remoteAddress(theRequest)));
		Parameters answer = new Parameters();
		answer.addParameter().setName("advisory").setValue(new Reference(advisoryId));
		answer.addParameter().setName("affected").setValue(new IntegerType(affected.size()));
		answer.addParameter().setName("newlyAffected").setValue(new IntegerType(added));
		answer.addParameter().setName("noLongerAffected").setValue(new IntegerType(withdrawn));
		return answer;
	}

	@Operation(name = STATUS, type = Communication.class, idempotent = true)
	public Parameters status(@IdParam IdType theAdvisory, RequestDetails theRequest) {
		// Whatever is not an advisory this caller follows answers as an id nobody knows.
		ResourceNotFoundException outOfReach = CallerReads.notKnown(new IdType("Communication", theAdvisory.getIdPart()));
		Communication advisory;
		try {
			advisory = myDaos.getResourceDao(Communication.class).read(theAdvisory.toUnqualifiedVersionless(), new SystemRequestDetails());
		} catch (ResourceNotFoundException e) {
			throw outOfReach;
		}
		AccessContext access = AccessContext.of(theRequest, myCare);
		boolean follows = access.policy().filter(Role.ADMIN::equals).isPresent()
				|| access.manufacturer().map(advisory.getSender().getReference()::equals).orElse(false);
		if (!follows || advisory.getCategory().stream().noneMatch(category -> category.hasCoding(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.DEVICE_ADVISORY))) {
			throw outOfReach;
		}
		String advisoryReference = advisory.getIdElement().toUnqualifiedVersionless().getValue();
		Map<String, Task> checks = checksOf(advisoryReference);
		List<Communication> notices = ServerSearches.everyMatch(myDaos, Communication.class, SearchParameterMap.newSynchronous()
				.add(Communication.SP_BASED_ON, new ReferenceParam(advisoryReference))
				.add(Communication.SP_CATEGORY, new TokenParam(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.ADVISORY_NOTICE)));
		Parameters answer = new Parameters();
		answer.addParameter().setName("affected").setValue(new IntegerType(advisory.getAbout().size()));
		answer.addParameter().setName("acknowledged").setValue(new IntegerType((int) notices.stream().filter(Communication::hasReceived)
				.filter(notice -> advisory.getAbout().stream().anyMatch(about -> about.getReference().equals(notice.getAboutFirstRep().getReference())))
				.count()));
		answer.addParameter().setName("checksCompleted").setValue(new IntegerType((int) checks.values().stream()
				.filter(task -> task.getStatus() == Task.TaskStatus.COMPLETED).count()));
		answer.addParameter().setName("checksOpen").setValue(new IntegerType((int) checks.values().stream()
				.filter(task -> task.getStatus() != Task.TaskStatus.COMPLETED && task.getStatus() != Task.TaskStatus.CANCELLED).count()));
		return answer;
	}

	/** The manufacturer the notice is published for: the caller's own, or, for an administrator, the one named. */
	private String publisher(RequestDetails theRequest, Optional<String> theNamed) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (!MAY_PUBLISH.test(access)) {
			throw new ForbiddenOperationException(PUBLISH + " is for manufacturers and administrators");
		}
		Optional<String> own = access.manufacturer();
		if (own.isEmpty()) {
			return theNamed.filter(named -> named.startsWith("Organization/"))
					.orElseThrow(() -> new InvalidRequestException("manufacturer: the Organization whose devices the advisory names"));
		}
		if (theNamed.isPresent() && !theNamed.get().equals(own.get())) {
			throw new ForbiddenOperationException("a manufacturer publishes advisories for its own devices only");
		}
		return own.get();
	}

	private Optional<Communication> advisory(String theManufacturer, String theIdentifier) {
		return ServerSearches.everyMatch(myDaos, Communication.class, SearchParameterMap.newSynchronous().add(Communication.SP_IDENTIFIER,
				new TokenParam(OpenImdUris.ADVISORY_IDENTIFIER, theManufacturer + "/" + theIdentifier))).stream().findFirst();
	}

	/** The advisory's checks, by the device each is about. */
	private Map<String, Task> checksOf(String theAdvisory) {
		Map<String, Task> checks = new LinkedHashMap<>();
		for (Task task : ServerSearches.everyMatch(myDaos, Task.class, SearchParameterMap.newSynchronous().add(Task.SP_BASED_ON, new ReferenceParam(theAdvisory))
				.add(Task.SP_CODE, new TokenParam(OpenImdUris.ADVISORY_SYSTEM, OpenImdUris.ADVISORY_CHECK)))) {
			checks.merge(task.getFocus().getReference(), task,
					(kept, other) -> other.getStatus() != Task.TaskStatus.CANCELLED ? other : kept);
		}
		return checks;
	}

	private Task check(String theAdvisory, Device theDevice, String theTitle, String theAction, Optional<Date> theDue, String theManufacturer) {
		Task check = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER).setPriority(Task.TaskPriority.URGENT)
				.setCode(concept(OpenImdUris.ADVISORY_CHECK, "Advisory check")).setDescription(theTitle + ": " + theAction)
				.setFocus(new Reference(theDevice.getIdElement().toUnqualifiedVersionless().getValue()))
				.setFor(theDevice.getPatient().copy()).setAuthoredOn(Date.from(myClock.instant())).setRequester(new Reference(theManufacturer));
		check.addBasedOn(new Reference(theAdvisory));
		theDue.ifPresent(due -> check.getRestriction().getPeriod().setEnd(due));
		return check;
	}

	private Communication notice(String theAdvisory, Device theDevice, String theTitle, String theText, String theManufacturer) {
		Communication notice = new Communication().setStatus(Communication.CommunicationStatus.COMPLETED).setSubject(theDevice.getPatient().copy())
				.setSent(Date.from(myClock.instant())).setSender(new Reference(theManufacturer)).setTopic(new CodeableConcept().setText(theTitle));
		notice.addRecipient(theDevice.getPatient().copy());
		notice.addCategory(concept(OpenImdUris.ADVISORY_NOTICE, "Advisory notice"));
		notice.addBasedOn(new Reference(theAdvisory));
		notice.addAbout(new Reference(theDevice.getIdElement().toUnqualifiedVersionless().getValue()));
		notice.addPayload().setContent(new StringType(theText));
		return notice;
	}

	private static void put(Bundle theTransaction, String theUrl, Resource theResource) {
		Bundle.BundleEntryComponent entry = theTransaction.addEntry().setResource(theResource);
		if (theUrl.startsWith("urn:uuid:")) {
			entry.setFullUrl(theUrl).getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(theResource.fhirType());
		} else {
			theResource.setId(theUrl);
			entry.setFullUrl(theUrl).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(theUrl);
		}
	}

	private static CodeableConcept concept(String theCode, String theDisplay) {
		return new CodeableConcept(new Coding(OpenImdUris.ADVISORY_SYSTEM, theCode, theDisplay));
	}

	private static Optional<String> reference(Parameters theNotice, String theName) {
		return Optional.ofNullable(theNotice.getParameter(theName)).filter(Parameters.ParametersParameterComponent::hasValue)
				.map(parameter -> parameter.getValue() instanceof Reference reference ? reference.getReference() : null);
	}

}
