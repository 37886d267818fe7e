package org.openimd.server.security;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationConstants;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Parameters;
import org.openimd.server.fhir.StorageInterceptor;

/**
 * The gate's part in Bulk Data export, which HAPI runs as a batch job after the kick-off request has
 * gone: what the job may do is settled at kick-off, and then held to.
 * <ul>
 *   <li>At kick-off the job is stamped with the client that asked ({@code sub}); its status, its
 *       cancellation and its files (Binary resources, whose {@code securityContext} names the client)
 *       are that client's alone ({@link #jobOfTheCaller()}, {@link #filesOfTheCaller()}).
 *   <li>A request without {@code _type} exports the types the token may read ({@link BulkExportReach})
 *       instead of every type; one that names types it may not read is refused by the rules.
 *   <li>A system acting for an organisation exports its patients: a Patient-level export without
 *       {@code patient} is narrowed to them, and a pharmacy's job keeps the pump data only among the
 *       devices, prescriptions and dispenses it writes ({@link PumpDataOnly}).
 * </ul>
 * HAPI's own rules at {@code STORAGE_INITIATE_BULK_EXPORT}, built by {@link SmartAuthorizationInterceptor},
 * then check the types and patients as narrowed here.
 */
@Interceptor(order = AuthorizationConstants.ORDER_AUTH_INTERCEPTOR)
public class BulkExportGate implements StorageInterceptor {

	/** The system of the Binary.securityContext identifier that names the client an export file is for. */
	public static final String EXPORT_CLIENT_SYSTEM = "urn:openimd:bulk-export-client";
	private static final String CLIENT = "openimd.client";
	private static final String PUMP_DATA_ONLY = "openimd.pumpDataOnly";
	private static final String JOB_ID = "_jobId";
	private static final String TYPES = "_type";

	private final CareRelationships myCare;
	private final IJobCoordinator myJobs;
	private final PumpDataOnly myPumpDataOnly;
	private final Collection<String> myAllTypes;
	private final Set<String> myOwnedTypes;

	public BulkExportGate(CareRelationships theCare, IJobCoordinator theJobs, PumpDataOnly thePumpDataOnly, FhirContext theFhir,
			List<OwnedResources> theOwnedResources) {
		myCare = theCare;
		myJobs = theJobs;
		myPumpDataOnly = thePumpDataOnly;
		myAllTypes = theFhir.getResourceTypes();
		myOwnedTypes = ResourceOwners.types(theOwnedResources);
	}

	Optional<BulkExportReach> reachOf(AccessContext theAccess) {
		return BulkExportReach.of(theAccess, myAllTypes, myOwnedTypes);
	}

	@Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
	public void settleAtKickOff(BulkExportJobParameters theJob, RequestDetails theRequest) {
		AccessContext access = AccessContext.of(theRequest, myCare);
		access.token().ifPresent(token -> {
			theJob.setUserData(CLIENT, token.getSubject());
			theJob.setBinarySecurityContextIdentifierSystem(EXPORT_CLIENT_SYSTEM);
			theJob.setBinarySecurityContextIdentifierValue(token.getSubject());
		});
		Optional<BulkExportReach> reach = reachOf(access);
		if (reach.isEmpty()) {
			// the rules refuse it
			return;
		}
		if (!namesTypes(theRequest)) {
			theJob.setResourceTypes(theJob.getResourceTypes().stream().filter(reach.get().types()::contains).toList());
		}
		reach.get().patients().ifPresent(patients -> {
			if (theJob.getExportStyle() == BulkExportJobParameters.ExportStyle.PATIENT && theJob.getPatientIds().isEmpty()) {
				theJob.setPatientIds(patients.stream().map(id -> "Patient/" + id).toList());
			}
		});
		if (reach.get().pumpDataOnly()) {
			theJob.setUserData(PUMP_DATA_ONLY, true);
		}
	}

	/** While the job runs: a pharmacy's export keeps only the pump among devices, prescriptions and dispenses. */
	@Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
	public boolean withinReach(BulkExportJobParameters theJob, IBaseResource theResource) {
		if (Boolean.TRUE.equals(theJob.getUserData().get(PUMP_DATA_ONLY)) && PumpDataOnly.LIMITED_TYPES.contains(theResource.fhirType())) {
			return myPumpDataOnly.isPumpData(theResource);
		}
		return true;
	}

	private static boolean namesTypes(RequestDetails theRequest) {
		if (theRequest.getParameters().containsKey(TYPES)) {
			return true;
		}
		return theRequest.getResource() instanceof Parameters parameters && parameters.getParameter(TYPES) != null;
	}

	/** The client a request's token was issued to ({@code sub}), if it has one. */
	private String callerOf(RequestDetails theRequest) {
		return AccessContext.of(theRequest, myCare).token().map(token -> token.getSubject()).orElse(null);
	}

	/**
	 * For the {@code $export} request rules: they abstain when HAPI asks about the job the request makes
	 * ({@code STORAGE_INITIATE_BULK_EXPORT}, known by the job's parameters HAPI has put on the request),
	 * which only the bulk-export rules decide.
	 */
	IAuthRuleTester kickOffRequestOnly() {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest theRequest) {
				return !theRequest.requestDetails.getUserData().containsKey(AuthorizationInterceptor.REQUEST_ATTRIBUTE_BULK_DATA_EXPORT_OPTIONS);
			}
		};
	}

	/** For {@code $export-poll-status}, a GET (status) or DELETE (cancel): the job must be the caller's. */
	IAuthRuleTester jobOfTheCaller() {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest theRequest) {
				String[] jobIds = theRequest.requestDetails.getParameters().get(JOB_ID);
				if (jobIds == null || jobIds.length != 1) {
					return false;
				}
				String client;
				try {
					client = (String) myJobs.getInstance(jobIds[0]).getParameters(BulkExportJobParameters.class).getUserData().get(CLIENT);
				} catch (ResourceNotFoundException unknownJob) {
					return false;
				}
				return client != null && client.equals(callerOf(theRequest.requestDetails));
			}
		};
	}

	/** For reads of Binary: an export file, to the client it was written for. */
	IAuthRuleTester filesOfTheCaller() {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest theRequest) {
				return theRequest.resource == null || isFileOfTheCaller(theRequest);
			}

			@Override
			public boolean matchesOutput(RuleTestRequest theRequest) {
				return theRequest.resource == null || isFileOfTheCaller(theRequest);
			}

			private boolean isFileOfTheCaller(RuleTestRequest theRequest) {
				if (!(theRequest.resource instanceof Binary file) || !file.getSecurityContext().getIdentifier().hasValue()) {
					return false;
				}
				return EXPORT_CLIENT_SYSTEM.equals(file.getSecurityContext().getIdentifier().getSystem())
						&& Objects.equals(file.getSecurityContext().getIdentifier().getValue(), callerOf(theRequest.requestDetails));
			}
		};
	}
}
