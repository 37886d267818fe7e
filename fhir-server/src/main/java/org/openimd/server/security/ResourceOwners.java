package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Keeps each owned resource ({@link OwnedResources}) with its owner: a create is stamped with the
 * caller as owner (a tag that names nobody, whatever tag the client sent), an update by anyone but the
 * owner is refused (an administrator's keeps the owner), a search finds only the caller's own, and the
 * token of each create or update by the owner is kept as what the resource acts with later
 * ({@link StandingAccess}): the latest token its owner touched it with.
 */
public class ResourceOwners {

	static final String OWNER_SYSTEM = OpenImdUris.RESOURCE_OWNER_SYSTEM;

	private final Set<String> myTypes;
	private final CareRelationships myCare;
	private final StandingAccess myStanding;

	ResourceOwners(Set<String> theTypes, CareRelationships theCare, StandingAccess theStanding) {
		myTypes = theTypes;
		myCare = theCare;
		myStanding = theStanding;
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
	public void creating(IBaseResource theResource, RequestDetails theRequest) {
		if (owned(theResource)) {
			caller(theRequest).ifPresent(token -> stamp(theResource, TokenOwner.code(token)));
		}
	}

	@Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
	public void updating(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		if (!owned(theNew)) {
			return;
		}
		Optional<String> owner = ownerOf(theOld);
		Optional<Jwt> caller = caller(theRequest);
		if (caller.isPresent() && !owner.equals(Optional.of(TokenOwner.code(caller.get()))) && !administrator(theRequest)) {
			throw new ForbiddenOperationException("Access denied: only whoever created this " + theNew.fhirType() + " may change it");
		}
		owner.ifPresent(code -> stamp(theNew, code));
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
	public void created(IBaseResource theResource, RequestDetails theRequest) {
		keepToken(theResource, theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
	public void updated(IBaseResource theOld, IBaseResource theNew, RequestDetails theRequest) {
		keepToken(theNew, theRequest);
	}

	@Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
	public void deleted(IBaseResource theResource) {
		if (owned(theResource)) {
			myStanding.forget(theResource.getIdElement());
		}
	}

	/** A client's search of an owned type finds its own, in a batch or on a later page too; an administrator's finds all. */
	@Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
	public void searching(SearchParameterMap theSearch, RequestDetails theRequest, ICachedSearchDetails theDetails) {
		if (theDetails.getResourceType() != null && myTypes.contains(theDetails.getResourceType()) && !administrator(theRequest)) {
			caller(theRequest).ifPresent(token -> theSearch.add("_tag", new TokenParam(OWNER_SYSTEM, TokenOwner.code(token))));
		}
	}

	static Set<String> types(List<OwnedResources> theOwnedResources) {
		return theOwnedResources.stream().map(OwnedResources::resourceType).collect(Collectors.toUnmodifiableSet());
	}

	/** Whether a resource of {@code theTypes} is someone else's than the caller's: what the read and delete rules refuse. */
	static IAuthRuleTester notTheCallers(Set<String> theTypes, CareRelationships theCare) {
		return new IAuthRuleTester() {
			@Override
			public boolean matches(RuleTestRequest theRequest) {
				if (theRequest.resource == null || !theTypes.contains(theRequest.resource.fhirType())) {
					return false;
				}
				Optional<String> owner = ownerOf(theRequest.resource);
				return owner.isEmpty() || !owner.equals(caller(theRequest.requestDetails, theCare).map(TokenOwner::code));
			}

			@Override
			public boolean matchesOutput(RuleTestRequest theRequest) {
				return matches(theRequest);
			}
		};
	}

	private void keepToken(IBaseResource theResource, RequestDetails theRequest) {
		if (owned(theResource)) {
			caller(theRequest).filter(token -> ownerOf(theResource).equals(Optional.of(TokenOwner.code(token))))
					.ifPresent(token -> myStanding.keep(theResource.getIdElement(), token, theRequest.getFhirServerBase()));
		}
	}

	private boolean owned(IBaseResource theResource) {
		return myTypes.contains(theResource.fhirType());
	}

	private Optional<Jwt> caller(RequestDetails theRequest) {
		return caller(theRequest, myCare);
	}

	private static Optional<Jwt> caller(RequestDetails theRequest, CareRelationships theCare) {
		return theRequest == null ? Optional.empty() : AccessContext.of(theRequest, theCare).token();
	}

	private boolean administrator(RequestDetails theRequest) {
		return theRequest != null && AccessContext.of(theRequest, myCare).policy().filter(Role.ADMIN::equals).isPresent();
	}

	/** Whether {@code theResource} belongs to whom {@code theToken} speaks for. */
	public static boolean ownedBy(IBaseResource theResource, Jwt theToken) {
		return ownerOf(theResource).filter(TokenOwner.code(theToken)::equals).isPresent();
	}

	static Optional<String> ownerOf(IBaseResource theResource) {
		return theResource.getMeta().getTag().stream().filter(tag -> OWNER_SYSTEM.equals(tag.getSystem()))
				.map(IBaseCoding::getCode).filter(Objects::nonNull).findFirst();
	}

	private static void stamp(IBaseResource theResource, String theOwner) {
		theResource.getMeta().getTag().removeIf(tag -> OWNER_SYSTEM.equals(tag.getSystem()));
		theResource.getMeta().addTag().setSystem(OWNER_SYSTEM).setCode(theOwner).setDisplay("owner");
	}
}
