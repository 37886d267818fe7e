package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.searchparam.matcher.AuthorizationSearchParamMatcher;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderOperationNamed;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOpClassifier;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleFinished;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.openimd.server.security.login.Role;

/**
 * Deny by default at the FHIR API: HAPI's rules are built, per request, from the grants of the
 * request's access token ({@link AccessContext}), and only for a token issued for this server
 * ({@code aud}). A grant that reaches every patient applies to any resource of its types; one that
 * reaches some patients applies inside their Patient compartments, to which OpenIMD adds the Devices
 * implanted in them ({@code Device.patient}: R4 leaves Device out of the Patient compartment). A
 * grant from a granular scope ({@code patient/Observation.rs?category=…laboratory}) applies only to
 * the resources its search parameters match, tested in memory on each resource.
 * Resources that are nobody's record (practitioners, organisations, terminology) may be read by
 * anyone whose scopes name them.
 */
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

	/** Types that hold no patient's data, readable whoever the patient in context is. */
	static final Set<String> SHARED_TYPES = Set.of("Practitioner", "PractitionerRole", "Organization", "Location", "Medication",
			"Substance", "CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter", "Questionnaire");

	static final String AUDIT_EVENT = "AuditEvent";

	/**
	 * Where the audit-trail denial applies: to an AuditEvent itself, or to a request on the AuditEvent
	 * type. Without it the denial would also apply to a request whose type is not known before its
	 * answer is (a page of a search), and refuse every page.
	 */
	private static final IAuthRuleTester AUDIT_TRAIL = new IAuthRuleTester() {
		@Override
		public boolean matches(RuleTestRequest theRequest) {
			return theRequest.resource != null || AUDIT_EVENT.equals(theRequest.requestDetails.getResourceName());
		}

		@Override
		public boolean matchesOutput(RuleTestRequest theRequest) {
			return theRequest.resource != null;
		}
	};

	/**
	 * A searchset or history Bundle in the answer of a batch or transaction: made for the answer (stored
	 * resources have a version), its entries checked one by one as the rules check any answer's.
	 */
	private static final IAuthRuleTester ANSWER_OF_AN_ENTRY = new IAuthRuleTester() {
		@Override
		public boolean matches(RuleTestRequest theRequest) {
			return false;
		}

		@Override
		public boolean matchesOutput(RuleTestRequest theRequest) {
			return theRequest.operation == RestOperationTypeEnum.TRANSACTION && theRequest.resource instanceof Bundle bundle
					&& (bundle.getType() == Bundle.BundleType.SEARCHSET || bundle.getType() == Bundle.BundleType.HISTORY)
					&& !bundle.getMeta().hasVersionId();
		}
	};

	private static final Set<RestOperationTypeEnum> READS_OF_AN_INSTANCE = Set.of(RestOperationTypeEnum.READ, RestOperationTypeEnum.VREAD,
			RestOperationTypeEnum.HISTORY_INSTANCE, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

	private final CareRelationships myCare;
	private final PumpDataOnly myPumpDataOnly;
	private final ReviewerReach myReviewers;
	private final List<OwnedResources> myOwnedResources;
	private final IAuthRuleTester myNotTheCallers;
	private final BulkExportGate myBulkExports;
	private final List<OperationAccess> myDeclaredOperations;
	private static final String EXPORT = "$export";
	private static final String EXPORT_POLL_STATUS = "$export-poll-status";

	/** Who sends data sets for review and looks for similar cases: the patient's clinicians and administrators, and systems. */
	private static final Set<Role> REQUESTERS_OF_REVIEW = Set.of(Role.CLINICIAN, Role.ADMIN);

	public SmartAuthorizationInterceptor(CareRelationships theCare, SearchParamMatcher theMatcher, PumpDataOnly thePumpDataOnly,
			ReviewerReach theReviewers, List<OwnedResources> theOwnedResources, BulkExportGate theBulkExports,
			List<OperationAccess> theDeclaredOperations) {
		super(PolicyEnum.DENY);
		myBulkExports = theBulkExports;
		myDeclaredOperations = theDeclaredOperations;
		myCare = theCare;
		myPumpDataOnly = thePumpDataOnly;
		myReviewers = theReviewers;
		myOwnedResources = theOwnedResources;
		myNotTheCallers = ResourceOwners.notTheCallers(ResourceOwners.types(theOwnedResources), theCare);
		setAuthorizationSearchParamMatcher(new AuthorizationSearchParamMatcher(theMatcher));
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails theRequest) {
		IAuthRuleBuilder rules = new RuleBuilder();
		rules.allow("capability statement").metadata();
		AccessContext access = AccessContext.of(theRequest, myCare);
		if (!access.forThisServer()) {
			return rules.denyAll("the access token is not for this FHIR server").build();
		}
		List<AccessContext.Grant> grants = access.grants().stream().filter(AccessContext.Grant::reachesSomeone).toList();
		if (access.policy().filter(role -> role != Role.ADMIN).isPresent()) {
			// AuditEvents name the patients they are about, so they sit in the Patient compartment; yet they also name other
			// users, their clients and addresses. Denied first, so that no read, include, $everything or batch entry brings one.
			rules.deny("the audit trail is for administrators").read().resourcesOfType(AUDIT_EVENT).withAnyId().withTester(AUDIT_TRAIL);
			rules.deny("the audit trail is for administrators").write().resourcesOfType(AUDIT_EVENT).withAnyId().withTester(AUDIT_TRAIL);
		}
		ownedResourceRules(rules, access);
		// First every rule that allows creation, then the denials of creation to update-only grants, then
		// the rest: HAPI applies the first rule that decides, and its write is create or update.
		for (AccessContext.Grant grant : grants) {
			if (grant.scope().permits('c')) {
				onResources(grant, grant.scope().permits('u') ? () -> rules.allow().write() : () -> rules.allow().create());
			}
		}
		for (AccessContext.Grant grant : grants) {
			if (grant.scope().permits('u') && !grant.scope().permits('c')) {
				for (String type : typesOf(grant)) {
					if (!access.permits(type, 'c')) {
						onType(type, rules.deny("this token may update, not create, " + type).create()).withAnyId();
					}
				}
				onResources(grant, () -> rules.allow().write());
			}
		}
		for (AccessContext.Grant grant : grants) {
			if (grant.scope().permits('r') || grant.scope().permits('s')) {
				onResources(grant, () -> rules.allow().read());
				if (!grant.everyPatient()) {
					sharedTypesOf(grant).forEach(type -> matchingFilter(grant, onType(type, rules.allow().read()).withAnyId()));
				}
			}
			if (grant.scope().permits('d')) {
				onResources(grant, () -> rules.allow().delete());
			}
		}
		if (!grants.isEmpty()) {
			// A batch's answer holds each GET entry's answer as a searchset Bundle; what is inside was checked as that entry's.
			rules.allow("the answers of batch entries").read().resourcesOfType("Bundle").withAnyId().withTester(ANSWER_OF_AN_ENTRY);
		}
		if (grants.stream().anyMatch(grant -> grant.scope().permits('c') || grant.scope().permits('u') || grant.scope().permits('d'))) {
			// A transaction has no scope of its own: each entry is checked as its own interaction.
			rules.allow().transaction().withAnyOperation().andApplyNormalRules();
		}
		if (!grants.isEmpty()) {
			// $validate checks what the caller sends, $lookup answers from terminology: neither reveals patient data.
			rules.allow().operation().named("$validate").onAnyType().andAllowAllResponses();
			rules.allow().operation().named("$lookup").onType(CodeSystem.class).andAllowAllResponses();
			// $everything of a patient the token reaches answers only what the read rules above let through.
			// $monitoring-periods likewise reads all it answers as the caller, and names only what they may read.
			for (String operation : List.of("$everything", "$monitoring-periods")) {
				IAuthRuleBuilderOperationNamed onPatients = rules.allow().operation().named(operation);
				access.patientLimit().ifPresentOrElse(
						patients -> onPatients.onInstances(patientIds(patients)).andRequireExplicitResponseAuthorization(),
						() -> onPatients.onInstancesOfType(Patient.class).andRequireExplicitResponseAuthorization());
			}
		}
		if (access.mayUsePrescribingTools()) {
			// They answer from what the caller sends; a pump or patient named by reference is read under the read rules above.
			rules.allow().operation().named("$check-pump-prescription").onType(MedicationRequest.class).andRequireExplicitResponseAuthorization();
			rules.allow().operation().named("$opioid-conversion").onServer().andRequireExplicitResponseAuthorization();
			// The prescription is read as the caller, and the DeviceRequest it answers passes the read rules above.
			rules.allow().operation().named("$pump-configuration").onInstancesOfType(MedicationRequest.class).andRequireExplicitResponseAuthorization();
		}
		if (access.permits("Observation", 'r')) {
			// The waveform is read as the caller: the read rules above decide whether it is drawn.
			rules.allow().operation().named("$render").onInstancesOfType(Observation.class).andRequireExplicitResponseAuthorization();
		}
		if (access.permits("Observation", 'c')) {
			// The Observation made of the samples is created as the caller, under the create rules above; the answer is what they wrote.
			rules.allow().operation().named("$import-waveform").onType(Observation.class).andAllowAllResponses();
		}
		if (access.permits("Task", 'c') && access.policy().map(REQUESTERS_OF_REVIEW::contains).orElse(true)) {
			// The data set is read as the caller: only what they may read goes to review.
			rules.allow().operation().named("$submit-for-review").onServer().andRequireExplicitResponseAuthorization();
		}
		if (access.permits("Observation", 'r') && access.policy().map(REQUESTERS_OF_REVIEW::contains).orElse(true)) {
			// The data set is read as the caller; the answer names other data sets only where the caller may read them.
			rules.allow().operation().named("$find-similar").onServer().andRequireExplicitResponseAuthorization();
		}
		access.reviewer().ifPresent(reviewer -> reviewerRules(rules, access, ReviewerAssignments.of(theRequest, myReviewers, reviewer), reviewer));
		if (access.manufacturer().isPresent()) {
			// It chooses the manufacturer's own devices and answers them de-identified, whatever the caller asks.
			rules.allow().operation().named("$manufacturer-export").onServer().andAllowAllResponses();
		}
		for (OperationAccess operation : myDeclaredOperations) {
			if (operation.mayCall().test(access)) {
				IAuthRuleBuilderOperationNamed named = rules.allow().operation().named(operation.name());
				operation.instancesOf().ifPresentOrElse(type -> named.onInstancesOfType(type).andAllowAllResponses(),
						() -> named.onServer().andAllowAllResponses());
			}
		}
		myBulkExports.reachOf(access).ifPresent(reach -> bulkExportRules(rules, access, reach));
		return rules.denyAll("no scope of the access token permits this").build();
	}

	/**
	 * Bulk Data export, for systems only ({@link BulkExportReach}): kick-off at the levels the system's
	 * reach allows, with HAPI's own check of the types and patients when the job is made (after
	 * {@link BulkExportGate} narrowed them). A system limited to some patients exports at Patient level
	 * only; a Group's export needs a scope that reads Group and every patient. Status, cancellation and
	 * files are the client's that asked.
	 */
	private void bulkExportRules(IAuthRuleBuilder theRules, AccessContext theAccess, BulkExportReach theReach) {
		// HAPI asks the rules twice: for the request, and for the job it makes. The operation rules allow
		// the request only; the job is the bulk-export rules', or nobody's.
		IAuthRuleTester requestOnly = myBulkExports.kickOffRequestOnly();
		if (theReach.patients().isEmpty()) {
			theRules.allow().bulkExport().any().withResourceTypes(theReach.types());
			theRules.allow().operation().named(EXPORT).onServer().andAllowAllResponses().withTester(requestOnly);
			if (theAccess.permits("Group", 'r')) {
				theRules.allow().operation().named(EXPORT).onInstancesOfType(Group.class).andAllowAllResponses().withTester(requestOnly);
			}
		} else {
			theRules.allow().bulkExport().patientExportOnPatientStrings(theReach.patients().get().stream().map(id -> "Patient/" + id).toList())
					.withResourceTypes(theReach.types());
		}
		theRules.allow().operation().named(EXPORT).onType(Patient.class).andAllowAllResponses().withTester(requestOnly);
		theRules.allow().operation().named(EXPORT).onInstancesOfType(Patient.class).andAllowAllResponses().withTester(requestOnly);
		theRules.allow().operation().named(EXPORT_POLL_STATUS).onServer().andAllowAllResponses().withTester(myBulkExports.jobOfTheCaller());
		theRules.allow("export files").read().resourcesOfType("Binary").withAnyId().withTester(myBulkExports.filesOfTheCaller());
	}

	/**
	 * Resources that belong to whoever created them ({@link OwnedResources}), not to a patient: any token
	 * whose scopes name the type keeps its own, an administrator sees all. Someone else's answers as a
	 * resource that does not exist; an update of it is refused by {@link ResourceOwners}.
	 */
	/**
	 * Named, so that each is a rule builder of its own: HAPI's unnamed {@code allow()} is one builder
	 * whose {@code write()} stays {@code create()} once {@code create()} was asked first.
	 */
	private static final String OWNED = "what belongs to whoever created it";

	private void ownedResourceRules(IAuthRuleBuilder theRules, AccessContext theAccess) {
		boolean administrator = theAccess.policy().filter(Role.ADMIN::equals).isPresent();
		for (OwnedResources owned : myOwnedResources) {
			String type = owned.resourceType();
			if (!administrator) {
				theRules.deny("it belongs to whoever created it").read().resourcesOfType(type).withAnyId().withTester(myNotTheCallers);
				theRules.deny("it belongs to whoever created it").delete().resourcesOfType(type).withAnyId().withTester(myNotTheCallers);
			}
			boolean creates = theAccess.scopeNames(type, 'c');
			if (creates) {
				theRules.allow(OWNED).create().resourcesOfType(type).withAnyId();
			}
			if (theAccess.scopeNames(type, 'u')) {
				if (!creates) {
					// HAPI's write is create or update.
					theRules.deny("this token may update, not create, " + type).create().resourcesOfType(type).withAnyId();
				}
				theRules.allow(OWNED).write().resourcesOfType(type).withAnyId();
			}
			if (theAccess.scopeNames(type, 'd')) {
				theRules.allow(OWNED).delete().resourcesOfType(type).withAnyId();
			}
			if (theAccess.scopeNames(type, 'r') || theAccess.scopeNames(type, 's')) {
				theRules.allow(OWNED).read().resourcesOfType(type).withAnyId();
				Class<? extends IBaseResource> resourceClass = FhirContext.forR4Cached().getResourceDefinition(type).getImplementingClass();
				owned.instanceOperations().forEach(
						operation -> theRules.allow(OWNED).operation().named(operation).onInstancesOfType(resourceClass).andAllowAllResponses());
			}
		}
	}

	/**
	 * A reviewer reads their assignments and the de-identified copies they are about, reads the
	 * notices sent to them, and completes their assignments with {@code $submit-analysis}: nothing of
	 * any patient's record.
	 */
	private static void reviewerRules(IAuthRuleBuilder theRules, AccessContext theAccess, Set<String> theAssigned, String theReviewer) {
		List<IIdType> tasks = ReviewerAssignments.ofType(theAssigned, "Task");
		List<IIdType> copies = ReviewerAssignments.ofType(theAssigned, "Bundle");
		if (!tasks.isEmpty() && (theAccess.permits("Task", 'r') || theAccess.permits("Task", 's'))) {
			theRules.allow("review assignments").read().instances(tasks);
		}
		if (!copies.isEmpty() && theAccess.permits("Bundle", 'r')) {
			theRules.allow("de-identified copies under review").read().instances(copies);
		}
		if (theAccess.permits("Communication", 'r') || theAccess.permits("Communication", 's')) {
			theRules.allow("notices to the reviewer").read().resourcesOfType("Communication").inCompartment("Practitioner", new IdType(theReviewer));
		}
		if (!tasks.isEmpty() && theAccess.permits("Task", 'u')) {
			// The analysis is stored by the operation as the reviewer's, on the patient's record they cannot read.
			theRules.allow().operation().named("$submit-analysis").onInstances(tasks).andRequireExplicitResponseAuthorization();
		}
	}

	/** The types a grant reaches: its scope's, within what the caller's role allows at all. */
	private static List<String> typesOf(AccessContext.Grant theGrant) {
		if (!theGrant.scope().anyResourceType()) {
			String type = theGrant.scope().resourceType();
			return theGrant.resourceTypes().isEmpty() || theGrant.resourceTypes().contains(type) ? List.of(type) : List.of();
		}
		return theGrant.resourceTypes().isEmpty() ? List.of("*") : theGrant.resourceTypes().stream().sorted().toList();
	}

	/**
	 * A resource out of reach answers exactly as one that does not exist, so that nobody learns which
	 * ids another patient's records have: the same 404 and message as HAPI's for an unknown id, for a
	 * read, a version, a history or an operation on that instance. Requests on a type or the server,
	 * and writes (whose refusal is about what is sent), are refused with 403.
	 */
	@Override
	protected void handleDeny(RequestDetails theRequest, Verdict theDecision) {
		IIdType target = theRequest.getId();
		if (READS_OF_AN_INSTANCE.contains(theRequest.getRestOperationType()) && target != null && target.hasIdPart()
				&& theRequest.getResourceName() != null) {
			throw CallerReads.notKnown(new IdType(theRequest.getResourceName(), target.getIdPart()));
		}
		super.handleDeny(theRequest, theDecision);
	}

	private static List<String> sharedTypesOf(AccessContext.Grant theGrant) {
		return SHARED_TYPES.stream().filter(type -> theGrant.permits(type, 'r') || theGrant.permits(type, 's')).sorted().toList();
	}

	/**
	 * One rule per type the grant covers, each from a new {@code theOperation}, limited to the patients it
	 * reaches, and for a pharmacy to the pump data among their devices, prescriptions and dispenses.
	 */
	private void onResources(AccessContext.Grant theGrant, Supplier<IAuthRuleBuilderRuleOp> theOperation) {
		for (String type : typesOf(theGrant)) {
			IAuthRuleBuilderRuleOpClassifier resources = onType(type, theOperation.get());
			IAuthRuleFinished rule = theGrant.everyPatient()
					? resources.withAnyId()
					: resources.inModifiedCompartment("Patient", patientIds(theGrant.patients()), PatientCompartment.OPENIMD_ADDITIONS);
			matchingFilter(theGrant, rule);
			if (theGrant.pumpDataOnly() && PumpDataOnly.LIMITED_TYPES.contains(type)) {
				rule.withTester(myPumpDataOnly);
			}
		}
	}

	private static void matchingFilter(AccessContext.Grant theGrant, IAuthRuleFinished theRule) {
		theGrant.scope().filter().ifPresent(theRule::withFilterTester);
	}

	private static IAuthRuleBuilderRuleOpClassifier onType(String theType, IAuthRuleBuilderRuleOp theOperation) {
		return theType.equals("*") ? theOperation.allResources() : theOperation.resourcesOfType(theType);
	}

	private static List<IIdType> patientIds(Collection<String> thePatients) {
		return thePatients.stream().map(id -> (IIdType) new IdType("Patient", id)).toList();
	}
}
