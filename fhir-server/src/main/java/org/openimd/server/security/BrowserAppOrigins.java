package org.openimd.server.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;

/**
 * CORS for SMART apps that run in a browser on another origin (an app gallery's, a clinic's own):
 * without it the browser lets such an app through sign-in and then blocks its token exchange and every
 * API call. Allowed are the origins of registered apps' redirect URIs, read at each request so that an
 * app registered a moment ago works at once, and those configured in {@code openimd.auth.cors-origins}.
 * Only the token and revocation endpoints and the FHIR API answer cross-origin; sign-in and consent
 * are pages the browser navigates to. The public documents an app reads before it has a token (SMART
 * and OpenID discovery, the CapabilityStatement, the signing keys) answer every origin. Never with
 * credentials: the API takes bearer tokens, so no cookie of OpenIMD's rides along with a cross-origin
 * request.
 */
final class BrowserAppOrigins implements CorsConfigurationSource {

	private static final PathPatternRequestMatcher.Builder PATHS = PathPatternRequestMatcher.withDefaults();
	private static final RequestMatcher PUBLIC_DOCUMENTS = new OrRequestMatcher(List.of(PATHS.matcher(HttpMethod.GET, "/fhir/metadata"),
			PATHS.matcher(HttpMethod.GET, ApiSecurityConfig.SMART_CONFIGURATION_PATH), PATHS.matcher(HttpMethod.GET, "/.well-known/**"),
			PATHS.matcher(HttpMethod.GET, "/oauth2/jwks")));
	private static final RequestMatcher REGISTERED_APPS_ONLY = new OrRequestMatcher(List.of(PATHS.matcher("/fhir/**"),
			PATHS.matcher("/oauth2/token"), PATHS.matcher("/oauth2/revoke")));
	/** What SMART apps send to a FHIR server: the token, and FHIR's conditional and preference headers. */
	private static final List<String> REQUEST_HEADERS = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE, HttpHeaders.ACCEPT,
			HttpHeaders.IF_MATCH, HttpHeaders.IF_NONE_MATCH, HttpHeaders.IF_MODIFIED_SINCE, "If-None-Exist", "Prefer", "X-Request-Id");
	/** What an app reads from FHIR's answers: where a created resource is, its version, and the id to quote in a support call. */
	private static final List<String> RESPONSE_HEADERS = List.of(HttpHeaders.LOCATION, HttpHeaders.CONTENT_LOCATION, HttpHeaders.ETAG,
			HttpHeaders.LAST_MODIFIED, HttpHeaders.WWW_AUTHENTICATE, "X-Request-Id");
	private static final long PREFLIGHT_CACHE_SECONDS = 3600;

	private final JdbcTemplate myJdbc;
	private final Set<String> myConfiguredOrigins;

	BrowserAppOrigins(JdbcTemplate theJdbc, List<String> theConfiguredOrigins) {
		myJdbc = theJdbc;
		myConfiguredOrigins = theConfiguredOrigins.stream().map(BrowserAppOrigins::originOf).filter(Objects::nonNull).collect(Collectors.toSet());
	}

	@Override
	public CorsConfiguration getCorsConfiguration(HttpServletRequest theRequest) {
		String origin = theRequest.getHeader(HttpHeaders.ORIGIN);
		if (origin == null) {
			return null;
		}
		if (PUBLIC_DOCUMENTS.matches(preflightAsActual(theRequest))) {
			CorsConfiguration configuration = new CorsConfiguration();
			configuration.addAllowedOrigin(CorsConfiguration.ALL);
			configuration.addAllowedMethod(HttpMethod.GET);
			configuration.setAllowCredentials(false);
			configuration.setMaxAge(PREFLIGHT_CACHE_SECONDS);
			return configuration;
		}
		if (!REGISTERED_APPS_ONLY.matches(theRequest) || !allowed(origin)) {
			return null;
		}
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.addAllowedOrigin(origin);
		List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE)
				.forEach(configuration::addAllowedMethod);
		configuration.setAllowedHeaders(REQUEST_HEADERS);
		configuration.setExposedHeaders(RESPONSE_HEADERS);
		configuration.setAllowCredentials(false);
		configuration.setMaxAge(PREFLIGHT_CACHE_SECONDS);
		return configuration;
	}

	/** A preflight asks about the method it names, so the public documents' GET-only paths match it as that method. */
	private static HttpServletRequest preflightAsActual(HttpServletRequest theRequest) {
		String asked = theRequest.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
		if (!HttpMethod.OPTIONS.matches(theRequest.getMethod()) || asked == null) {
			return theRequest;
		}
		return new HttpServletRequestWrapper(theRequest) {
			@Override
			public String getMethod() {
				return asked;
			}
		};
	}

	private boolean allowed(String theOrigin) {
		return myConfiguredOrigins.contains(theOrigin) || registeredAppOrigin(theOrigin);
	}

	/**
	 * Whether an app's redirect URI is on {@code theOrigin}: the database picks the apps whose redirect
	 * URIs mention it (every cross-origin API call asks), and their URIs are then compared exactly.
	 */
	private boolean registeredAppOrigin(String theOrigin) {
		return myJdbc.queryForList("SELECT redirect_uris FROM oauth2_registered_client WHERE authorization_grant_types LIKE ? AND redirect_uris LIKE ?",
						String.class, "%" + AuthorizationGrantType.AUTHORIZATION_CODE.getValue() + "%", "%" + theOrigin + "%")
				.stream()
				.flatMap(uris -> Arrays.stream(uris.split(",")))
				.map(BrowserAppOrigins::originOf)
				.anyMatch(theOrigin::equals);
	}

	/** scheme://host[:port] as a browser sends it in {@code Origin}; null for what is not an http(s) URL. */
	static String originOf(String theUrl) {
		try {
			URI uri = URI.create(theUrl.trim());
			if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
				return null;
			}
			return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
		} catch (IllegalArgumentException e) {
			return null;
		}
	}
}
