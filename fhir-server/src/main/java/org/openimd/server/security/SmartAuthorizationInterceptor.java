package org.openimd.server.security;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilder;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleBuilderRuleOp;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Deny by default at the FHIR API: HAPI's rules are built, per request, from the SMART scopes of the
 * request's access token, and only for a token issued for this server ({@code aud}). System scopes
 * ({@code system/Device.rs}) are enforced here. Patient and user scopes, v2 granular filters and
 * update-only scopes grant nothing yet: they need the patient and role policies of the launch flows.
 */
public class SmartAuthorizationInterceptor extends AuthorizationInterceptor {

	public SmartAuthorizationInterceptor() {
		super(PolicyEnum.DENY);
	}

	@Override
	public List<IAuthRule> buildRuleList(RequestDetails theRequest) {
		IAuthRuleBuilder rules = new RuleBuilder();
		rules.allow("capability statement").metadata();
		Optional<Jwt> token = currentToken();
		if (token.isEmpty() || token.get().getAudience() == null || !token.get().getAudience().contains(theRequest.getFhirServerBase())) {
			return rules.denyAll("the access token is not for this FHIR server").build();
		}
		List<SmartScope> systemScopes = SmartScope.parseAll(Optional.ofNullable(token.get().getClaimAsStringList("scope")).orElse(List.of()))
				.stream()
				.filter(scope -> scope.context().equals("system") && scope.filter().isEmpty())
				.toList();
		boolean writes = false;
		for (SmartScope scope : systemScopes) {
			if (scope.permits('r') || scope.permits('s')) {
				onTypesOf(scope, rules.allow().read());
			}
			if (scope.permits('c')) {
				writes = true;
				// HAPI's write is create or update; SMART's u alone has no HAPI rule, so it grants nothing.
				onTypesOf(scope, scope.permits('u') ? rules.allow().write() : rules.allow().create());
			}
			if (scope.permits('d')) {
				writes = true;
				onTypesOf(scope, rules.allow().delete());
			}
		}
		if (writes) {
			// A transaction has no scope of its own: each entry is checked as its own interaction.
			rules.allow().transaction().withAnyOperation().andApplyNormalRules();
		}
		if (!systemScopes.isEmpty()) {
			// $validate checks what the caller sends, $lookup answers from terminology: neither reveals patient data.
			rules.allow().operation().named("$validate").onAnyType().andAllowAllResponses();
			rules.allow().operation().named("$lookup").onType(CodeSystem.class).andAllowAllResponses();
		}
		return rules.denyAll("no scope of the access token permits this").build();
	}

	private static void onTypesOf(SmartScope theScope, IAuthRuleBuilderRuleOp theOperation) {
		if (theScope.anyResourceType()) {
			theOperation.allResources().withAnyId();
		} else {
			theOperation.resourcesOfType(theScope.resourceType()).withAnyId();
		}
	}

	private static Optional<Jwt> currentToken() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		return authentication instanceof JwtAuthenticationToken jwt ? Optional.of(jwt.getToken()) : Optional.empty();
	}
}
