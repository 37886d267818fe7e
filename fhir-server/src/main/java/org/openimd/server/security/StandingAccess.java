package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * What an owned resource ({@link OwnedResources}) may reach when it acts later, without a request of
 * its own: a subscription sending a notification. It acts with the token its owner last created or
 * changed it with, judged by the same rules as a read by that token at that moment: today's care
 * relationships, and only while the grant behind the token stands.
 *
 * <p>Project decision: a subscription outlives its token's short lifetime (a system's lives five
 * minutes) as long as the authorization that issued it is not revoked; revoking the token, or the
 * client's removal, stops it at once. Tokens of an external identity provider, whose revocations
 * OpenIMD cannot see, act only until they expire.
 */
public final class StandingAccess {

	/** The claims the access rules read ({@link AccessContext}); nothing else of the token is kept, not the token itself. */
	private static final List<String> KEPT_CLAIMS = List.of("sub", "aud", "scope", SmartClaims.CLIENT_ID, SmartClaims.FHIR_USER,
			SmartClaims.PATIENT, SmartClaims.ROLE, SmartClaims.ACTS_AS, SmartClaims.ORGANIZATION);

	private final JdbcTemplate myJdbc;
	private final ObjectMapper myJson = new ObjectMapper();
	private final CareRelationships myCare;
	private final SmartAuthorizationInterceptor myRules;
	private final Optional<OAuth2AuthorizationService> myAuthorizations;
	private final FhirContext myFhir;
	private final Supplier<RestfulServer> myServer;
	private final Clock myClock;

	StandingAccess(JdbcTemplate theJdbc, CareRelationships theCare, SmartAuthorizationInterceptor theRules,
			Optional<OAuth2AuthorizationService> theAuthorizations, FhirContext theFhir, Supplier<RestfulServer> theServer, Clock theClock) {
		myJdbc = theJdbc;
		myCare = theCare;
		myRules = theRules;
		myAuthorizations = theAuthorizations;
		myFhir = theFhir;
		myServer = theServer;
		myClock = theClock;
	}

	/** Whether the owner of {@code theOwned} may read {@code theResource} now. */
	public boolean mayRead(IIdType theOwned, IBaseResource theResource) {
		Optional<Standing> standing = standing(theOwned);
		if (standing.isEmpty() || !stands(standing.get())) {
			return false;
		}
		SystemRequestDetails request = new SystemRequestDetails();
		request.setFhirContext(myFhir);
		request.setServer(myServer.get());
		request.setFhirServerBase(standing.get().serverBase());
		request.setRestOperationType(RestOperationTypeEnum.READ);
		request.setResourceName(theResource.fhirType());
		request.setId(theResource.getIdElement());
		AccessContext.standing(request, standing.get().token(), myCare);
		return myRules.applyRulesAndReturnDecision(RestOperationTypeEnum.READ, request, null, theResource.getIdElement(), theResource,
				Pointcut.STORAGE_PRESHOW_RESOURCES).getDecision() == PolicyEnum.ALLOW;
	}

	/** Whether the owner's grant behind {@code theOwned} still stands: neither revoked nor, for an external token, expired. */
	public boolean stands(IIdType theOwned) {
		return standing(theOwned).filter(this::stands).isPresent();
	}

	void keep(IIdType theOwned, Jwt theToken, String theServerBase) {
		Map<String, Object> claims = new LinkedHashMap<>();
		KEPT_CLAIMS.stream().filter(theToken::hasClaim).forEach(claim -> claims.put(claim, theToken.getClaim(claim)));
		String authorization = myAuthorizations.map(service -> service.findByToken(theToken.getTokenValue(), OAuth2TokenType.ACCESS_TOKEN))
				.map(OAuth2Authorization::getId).orElse(null);
		String id = key(theOwned);
		try {
			myJdbc.update("delete from openimd_resource_owner where resource_id = ?", id);
			myJdbc.update("insert into openimd_resource_owner (resource_id, owner, claims, authorization_id, expires_at, server_base) values (?, ?, ?, ?, ?, ?)",
					id, TokenOwner.code(theToken), myJson.writeValueAsString(claims), authorization,
					Timestamp.from(theToken.getExpiresAt() != null ? theToken.getExpiresAt() : myClock.instant()), theServerBase);
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("a token's claims are strings and lists of strings", e);
		}
	}

	void forget(IIdType theOwned) {
		myJdbc.update("delete from openimd_resource_owner where resource_id = ?", key(theOwned));
	}

	private boolean stands(Standing theStanding) {
		if (theStanding.authorization() == null) {
			return myClock.instant().isBefore(theStanding.expires().toInstant());
		}
		try {
			OAuth2Authorization authorization = myAuthorizations.map(service -> service.findById(theStanding.authorization())).orElse(null);
			return authorization != null && authorization.getAccessToken() != null && !authorization.getAccessToken().isInvalidated();
		} catch (DataAccessException clientRemoved) {
			// The authorization service cannot rebuild an authorization whose client is no longer registered.
			return false;
		}
	}

	private Optional<Standing> standing(IIdType theOwned) {
		return myJdbc.query("select claims, authorization_id, expires_at, server_base from openimd_resource_owner where resource_id = ?",
				(row, number) -> new Standing(token(row.getString(1)), row.getString(2), row.getTimestamp(3), row.getString(4)), key(theOwned))
				.stream().findFirst();
	}

	private Jwt token(String theClaims) {
		try {
			Map<String, Object> claims = myJson.readValue(theClaims, new TypeReference<Map<String, Object>>() {});
			return Jwt.withTokenValue("standing").header("alg", "none").claims(all -> all.putAll(claims)).build();
		} catch (JsonProcessingException e) {
			throw new IllegalStateException("the kept claims are JSON written by keep()", e);
		}
	}

	private static String key(IIdType theOwned) {
		return theOwned.toUnqualifiedVersionless().getValue();
	}

	private record Standing(Jwt token, String authorization, Timestamp expires, String serverBase) {}
}
