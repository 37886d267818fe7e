package org.openimd.server.security;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.interceptor.PatientCompartmentEnforcingInterceptor;
import ca.uhn.fhir.jpa.searchparam.extractor.ISearchParamExtractor;
import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.DispatcherType;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.openimd.server.audit.AuditTrail;
import org.openimd.server.audit.RefusedRequestAudit;
import org.openimd.server.cds.CdsServicesController;
import org.openimd.server.security.login.Role;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.annotation.web.configurers.SessionManagementConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.security.web.context.SecurityContextHolderFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.util.function.SingletonSupplier;

/**
 * Who may call what, outside the authorization server: discovery and health are public; everything
 * else needs a valid bearer token from whoever issues them ({@link AuthorizationServerMode}); the FHIR
 * API then applies the token's SMART scopes ({@link SmartAuthorizationInterceptor}), the HL7 v2 and
 * operations endpoints OpenIMD's own ({@link ApiScopes}). Anything not listed is refused.
 */
@Configuration(proxyBeanMethods = false)
class ApiSecurityConfig {

	static final String SMART_CONFIGURATION_PATH = "/fhir/.well-known/smart-configuration";

	/**
	 * Paths matched on the whole request URI: the FHIR API is a servlet of its own, beside Spring MVC's,
	 * so MVC-relative patterns would not see it.
	 */
	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();

	private static RequestMatcher paths(String... thePatterns) {
		return new OrRequestMatcher(Arrays.stream(thePatterns).map(pattern -> (RequestMatcher) PATHS.matcher(pattern)).toList());
	}

	/**
	 * OpenIMD's own scope {@code theScope}, held by a system, or by a person whose role is admin: an app a
	 * patient or clinician signed in to may have been registered with the scope (so its token carries
	 * it), but a patient never ingests, reads raw messages, administers or launches.
	 */
	private static AuthorizationManager<RequestAuthorizationContext> systemsAndAdministrators(String theScope) {
		return AuthorizationManagers.allOf(AuthorityAuthorizationManager.hasAuthority("SCOPE_" + theScope),
				(authentication, request) -> new AuthorizationDecision(authentication.get() instanceof JwtAuthenticationToken jwt
						&& Optional.ofNullable(jwt.getToken().getClaimAsString(SmartClaims.ROLE)).map(Role.ADMIN.name()::equalsIgnoreCase).orElse(true)));
	}

	/**
	 * No session, and none touched: a browser app's request carries the cookie of its person's sign-in
	 * at the authorization server, and Spring's default on authenticating a bearer token is to give that
	 * session a new id. Parallel requests then each renamed it, the browser kept whichever answer came
	 * last, and the person's next authorization found no session and asked for sign-in again.
	 */
	private static void leaveSessionsAlone(SessionManagementConfigurer<HttpSecurity> theSessions) {
		theSessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS).sessionFixation(fixation -> fixation.none());
	}

	/** Ahead of every other filter: Spring's path parsing would fail on a dot segment with a 500 ({@link DotSegmentRefusal}). */
	@Bean
	FilterRegistrationBean<DotSegmentRefusal> dotSegmentRefusal() {
		FilterRegistrationBean<DotSegmentRefusal> registration = new FilterRegistrationBean<>(new DotSegmentRefusal());
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		return registration;
	}

	@Bean
	BrowserAppOrigins browserAppOrigins(JdbcTemplate theJdbc, AuthProperties theProperties) {
		return new BrowserAppOrigins(theJdbc, theProperties.corsOrigins());
	}

	@Bean
	@Order(1)
	SecurityFilterChain publicFilterChain(HttpSecurity theHttp, BrowserAppOrigins theBrowserApps) throws Exception {
		theHttp.securityMatcher(paths(SMART_CONFIGURATION_PATH, "/fhir/metadata", "/actuator/health", "/actuator/health/**", "/actuator/info"))
				.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
				.cors(cors -> cors.configurationSource(theBrowserApps))
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(ApiSecurityConfig::leaveSessionsAlone);
		return theHttp.build();
	}

	/**
	 * CDS Hooks: discovery is public like the CapabilityStatement; each service call carries a JWT
	 * that the calling system signed itself ({@link CdsClientAuthentication}), not an access token.
	 */
	@Bean
	@Order(4)
	SecurityFilterChain cdsHooksFilterChain(HttpSecurity theHttp, RegisteredClientRepository theClients, ClientAssertionDecoders theDecoders,
			AuditTrail theTrail) throws Exception {
		theHttp.securityMatcher(paths(CdsServicesController.PATH, CdsServicesController.PATH + "/**"))
				.authorizeHttpRequests(requests -> requests
						.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
						.requestMatchers(PATHS.matcher(HttpMethod.GET, CdsServicesController.PATH)).permitAll()
						.requestMatchers(PATHS.matcher(HttpMethod.POST, CdsServicesController.PATH + "/*"))
						.hasAuthority(CdsClientAuthentication.PRESCRIBING_SYSTEM)
						.anyRequest().denyAll())
				.oauth2ResourceServer(resourceServer -> resourceServer.authenticationManagerResolver(
						new CdsClientAuthentication(theClients, theDecoders)))
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(ApiSecurityConfig::leaveSessionsAlone)
				.addFilterAfter(new RefusedRequestAudit(theTrail), SecurityContextHolderFilter.class);
		return theHttp.build();
	}

	@Bean
	@Order(5)
	SecurityFilterChain apiFilterChain(HttpSecurity theHttp, JwtDecoder theAccessTokens, BrowserAppOrigins theBrowserApps, AuditTrail theTrail)
			throws Exception {
		theHttp.authorizeHttpRequests(requests -> requests
						// Errors are rendered by a second dispatch; the first already decided who may see what.
						.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
						.requestMatchers(PATHS.matcher(HttpMethod.POST, "/hl7v2")).access(systemsAndAdministrators(ApiScopes.INGEST))
						.requestMatchers(paths("/ingest/**")).access(systemsAndAdministrators(ApiScopes.INGEST_ADMIN))
						.requestMatchers(PATHS.matcher(HttpMethod.POST, EhrLaunchController.PATH)).access(systemsAndAdministrators(ApiScopes.LAUNCH))
						.requestMatchers(paths("/admin/**")).access(systemsAndAdministrators(ApiScopes.ADMIN))
						.requestMatchers(paths("/actuator/**")).access(systemsAndAdministrators(ApiScopes.OPERATIONS))
						.requestMatchers(paths("/fhir/**")).authenticated()
						// Subscription notifications over a websocket: the upgrade request carries the bearer token.
						.requestMatchers(paths("/websocket")).authenticated()
						.anyRequest().denyAll())
				.oauth2ResourceServer(resourceServer -> resourceServer.jwt(jwt -> jwt.decoder(theAccessTokens)))
				.cors(cors -> cors.configurationSource(theBrowserApps))
				// Bearer tokens, no cookies: nothing for a cross-site request to ride on.
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(ApiSecurityConfig::leaveSessionsAlone)
				.addFilterAfter(new RefusedRequestAudit(theTrail), SecurityContextHolderFilter.class);
		return theHttp.build();
	}

	@Bean
	ServletRegistrationBean<SmartConfigurationServlet> smartConfigurationServlet(SmartDiscovery theDiscovery) {
		// An exact mapping, which the servlet container prefers to the FHIR servlet's /fhir/*.
		return new ServletRegistrationBean<>(new SmartConfigurationServlet(theDiscovery), SMART_CONFIGURATION_PATH);
	}

	@Bean
	CareRelationships careRelationships(DaoRegistry theDaos) {
		return new CareRelationships(theDaos);
	}

	/** Care teams (review groups among them) decide which patients a clinician or pharmacy reaches ({@link CareRelationships}). */
	@Bean
	AccessGrantingResources careTeamsGrantAccess() {
		return resource -> "CareTeam".equals(resource.fhirType()) ? Optional.of(AccessGrantingResources.Grantor.ADMINISTRATORS) : Optional.empty();
	}

	@Bean
	SearchOwners searchOwners(JdbcTemplate theJdbc, FhirContext theFhir, Clock theClock) {
		return new SearchOwners(theJdbc, theFhir, theClock);
	}

	@Bean
	BulkExportGate bulkExportGate(CareRelationships theCare, IJobCoordinator theJobs, PumpDataOnly thePumpDataOnly, FhirContext theFhir,
			List<OwnedResources> theOwnedResources) {
		return new BulkExportGate(theCare, theJobs, thePumpDataOnly, theFhir, theOwnedResources);
	}

	@Bean
	SmartAuthorizationInterceptor smartAuthorizationRules(CareRelationships theCare, SearchParamMatcher theMatcher,
			PumpDataOnly thePumpDataOnly, ReviewerReach theReviewers, List<OwnedResources> theOwnedResources, BulkExportGate theBulkExports,
			List<OperationAccess> theDeclaredOperations) {
		return new SmartAuthorizationInterceptor(theCare, theMatcher, thePumpDataOnly, theReviewers, theOwnedResources, theBulkExports,
				theDeclaredOperations);
	}

	@Bean
	StandingAccess standingAccess(JdbcTemplate theJdbc, CareRelationships theCare,
			SmartAuthorizationInterceptor theRules, Optional<OAuth2AuthorizationService> theAuthorizations, FhirContext theFhir,
			ObjectProvider<Supplier<RestfulServer>> theServer, Clock theClock) {
		// Looked up once, when the first notification is judged: the server is built after this bean, and a
		// lookup by a generic type is one Spring never caches.
		return new StandingAccess(theJdbc, theCare, theRules, theAuthorizations, theFhir,
				SingletonSupplier.of(() -> theServer.getObject().get()), theClock);
	}

	@Bean
	FhirApiGuards fhirApiGuards(CareRelationships theCare, FhirContext theFhir, ISearchParamExtractor theSearchParams,
			ReviewerReach theReviewers, SmartDiscovery theDiscovery, SearchOwners theOwners,
			List<AccessGrantingResources> theGrantingResources, List<AddressedResources> theAddressedResources,
			List<OwnedResources> theOwnedResources, SmartAuthorizationInterceptor theRules, StandingAccess theStanding,
			AuditTrail theAudit, DaoRegistry theDaos) {
		return new FhirApiGuards(List.of(
				new SmartRequestGate(theCare, ResourceOwners.types(theOwnedResources)),
				new SearchGate(theCare, theReviewers, theOwners),
				new PatientSearchNarrowing(theCare),
				new OutOfScopeResources(theRules, theCare, ResourceOwners.types(theOwnedResources)),
				theRules,
				new PatientCompartmentEnforcingInterceptor(theFhir, theSearchParams),
				new WriteGate(theCare, theGrantingResources, theAddressedResources, theFhir, theAudit, theDaos),
				new ResourceOwners(ResourceOwners.types(theOwnedResources), theCare, theStanding),
				new SmartCapabilityStatement(theDiscovery)));
	}
}
