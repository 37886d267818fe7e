package org.openimd.server.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.openimd.server.fhir.StorageInterceptor;
import org.openimd.server.security.SmartClaims;
import org.openimd.terminology.OpenImdUris;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Who submitted an order or a dispense, as the server saw it: each MedicationRequest and
 * MedicationDispense written through the API gets a Provenance naming the version written, the
 * activity (create or update), and as author the holder of the access token (a person by their FHIR
 * resource, a system by its client id) on behalf of the organisation it acts for. What the resource
 * itself says of its requester or performer is the submitter's claim; this is the server's record,
 * written in the same transaction, so an order is never stored unattributed.
 */
public class SubmissionProvenance implements StorageInterceptor {

	/** The orders and dispenses a pharmacy or prescriber's system submits, where who sent them matters to the next reader. */
	private static final Set<String> ATTRIBUTED_TYPES = Set.of("MedicationRequest", "MedicationDispense");
	private static final String DATA_OPERATION = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

	private final DaoRegistry myDaos;
	private final Clock myClock;

	public SubmissionProvenance(DaoRegistry theDaos, Clock theClock) {
		myDaos = theDaos;
		myClock = theClock;
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource theResource, RequestDetails theRequest) {
		attribute(theResource, theRequest, "CREATE");
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		attribute(theNew, theRequest, "UPDATE");
	}

	private void attribute(IBaseResource theResource, RequestDetails theRequest, String theActivity) {
		Optional<Jwt> token = AuditEvents.currentToken();
		if (token.isEmpty() || theRequest instanceof SystemRequestDetails
				|| !ATTRIBUTED_TYPES.contains(theResource.getIdElement().getResourceType())) {
			return;
		}
		Provenance provenance = new Provenance();
		provenance.addTarget(new Reference(theResource.getIdElement().toUnqualified().getValue()));
		provenance.setRecorded(Date.from(myClock.instant()));
		provenance.setActivity(new CodeableConcept(new Coding(DATA_OPERATION, theActivity, null)));
		Provenance.ProvenanceAgentComponent author = provenance.addAgent()
				.setType(new CodeableConcept(new Coding(OpenImdUris.PROVENANCE_PARTICIPANT_TYPE, "author", null)))
				.setWho(AuditEvents.tokenHolder(token.get()));
		Optional.ofNullable(token.get().getClaimAsString(SmartClaims.ORGANIZATION))
				.ifPresent(organization -> author.setOnBehalfOf(new Reference(new IdType(organization).toUnqualifiedVersionless().getValue())));
		myDaos.getResourceDao(Provenance.class).create(provenance, new SystemRequestDetails());
	}
}
