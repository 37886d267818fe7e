package org.openimd.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import org.openimd.server.RandomSecret;
import org.openimd.server.security.login.AppAuthorizationPaths;
import org.openimd.server.security.login.Totp;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Earns access tokens the way a demo user's app and a demo system would, over the server's public
 * endpoints only: a person through SMART's authorization-code flow with PKCE (sign-in with password and
 * authenticator code, consent to every scope the page offers); a system through SMART Backend Services
 * (a client assertion signed with its key). The endpoints come from the server's SMART discovery.
 */
final class DemoSignIn {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
	private static final Pattern OFFERED_SCOPE = Pattern.compile("<input type=\"checkbox\" name=\"scope\" checked value=\"([^\"]+)\">");
	/** Sign-in, code, consent: a flow that goes on longer has gone wrong. */
	private static final int MOST_STEPS = 10;

	private final HttpClient myBrowser;
	private final Clock myClock;
	private final String myFhirBase;
	private final URI myAuthorizationEndpoint;
	private final URI myTokenEndpoint;

	DemoSignIn(String theFhirBase, SSLContext theTrust, Clock theClock) throws IOException, InterruptedException {
		myBrowser = HttpClient.newBuilder().sslContext(theTrust).cookieHandler(new CookieManager())
				.followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
		myClock = theClock;
		myFhirBase = theFhirBase;
		JsonNode discovery = JSON.readTree(expect(200, send(HttpRequest.newBuilder(URI.create(theFhirBase + "/.well-known/smart-configuration")))));
		myAuthorizationEndpoint = URI.create(discovery.get("authorization_endpoint").asText());
		myTokenEndpoint = URI.create(discovery.get("token_endpoint").asText());
	}

	/** The token response of a system client that signs its assertion with {@code theKey}. */
	JsonNode systemToken(String theClientId, ECKey theKey, String theScope) throws IOException, InterruptedException, JOSEException {
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(theClientId).subject(theClientId)
				.audience(myTokenEndpoint.toString()).jwtID(UUID.randomUUID().toString())
				.expirationTime(Date.from(myClock.instant().plus(Duration.ofMinutes(5)))).build();
		SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(theKey.getKeyID()).type(JOSEObjectType.JWT).build(),
				claims);
		assertion.sign(new ECDSASigner(theKey));
		return tokenResponse(Map.of("grant_type", "client_credentials", "scope", theScope,
				"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
				"client_assertion", assertion.serialize()));
	}

	/**
	 * The token response of a public app that {@code theUsername} signs in to: the browser follows the
	 * server's redirects from the authorization request to the app's redirect URI, filling in each page.
	 */
	JsonNode personToken(String theAppId, String theRedirectUri, String theScope, String theUsername, String thePassword, String theTotpSecret)
			throws IOException, InterruptedException {
		String verifier = RandomSecret.urlSafe(32);
		String state = RandomSecret.urlSafe(16);
		String next = UriComponentsBuilder.fromUri(myAuthorizationEndpoint).queryParam("response_type", "code")
				.queryParam("client_id", theAppId).queryParam("redirect_uri", theRedirectUri).queryParam("scope", theScope)
				.queryParam("state", state).queryParam("aud", myFhirBase)
				.queryParam("code_challenge", challenge(verifier)).queryParam("code_challenge_method", "S256")
				.encode().build().toUriString();
		for (int step = 0; step < MOST_STEPS; step++) {
			if (next.startsWith(theRedirectUri)) {
				Map<String, String> answer = UriComponentsBuilder.fromUriString(next).build().getQueryParams().toSingleValueMap();
				if (answer.get("code") == null) {
					throw new IOException("the server refused the sign-in: " + decode(answer.get("error")) + " " + decode(answer.get("error_description")));
				}
				return tokenResponse(Map.of("grant_type", "authorization_code", "code", decode(answer.get("code")),
						"redirect_uri", theRedirectUri, "code_verifier", verifier, "client_id", theAppId));
			}
			URI page = myAuthorizationEndpoint.resolve(next);
			HttpResponse<String> response = switch (page.getPath()) {
				case AppAuthorizationPaths.LOGIN -> submit(page, Map.of("username", theUsername, "password", thePassword));
				case AppAuthorizationPaths.CODE -> submit(page, Map.of("code", new Totp(myClock).currentCode(theTotpSecret)));
				case AppAuthorizationPaths.CONSENT -> consent(page);
				default -> send(HttpRequest.newBuilder(page));
			};
			if (response.statusCode() != 302) {
				throw new IOException("signing in stopped at " + page.getPath() + " with " + response.statusCode() + ": "
						+ HtmlUtils.htmlUnescape(response.body().replaceAll("<[^>]+>", " ").replaceAll("\\s+", " ").strip()));
			}
			next = response.headers().firstValue("Location").orElseThrow();
		}
		throw new IOException("signing in did not reach the app after " + MOST_STEPS + " pages");
	}

	/** Grants every scope the consent page offers, as a person ticking nothing off would. */
	private HttpResponse<String> consent(URI thePage) throws IOException, InterruptedException {
		String form = expect(200, send(HttpRequest.newBuilder(thePage)));
		List<String> offered = new ArrayList<>();
		Matcher scope = OFFERED_SCOPE.matcher(form);
		while (scope.find()) {
			offered.add(HtmlUtils.htmlUnescape(scope.group(1)));
		}
		return post(myAuthorizationEndpoint, hiddenFields(form), offered);
	}

	/** Fetches the form at {@code thePage} and posts it back, with its hidden fields (the CSRF token), filled in with {@code theFields}. */
	private HttpResponse<String> submit(URI thePage, Map<String, String> theFields) throws IOException, InterruptedException {
		Map<String, String> fields = hiddenFields(expect(200, send(HttpRequest.newBuilder(thePage))));
		fields.putAll(theFields);
		return post(thePage.resolve(thePage.getPath()), fields, List.of());
	}

	private JsonNode tokenResponse(Map<String, String> theForm) throws IOException, InterruptedException {
		return JSON.readTree(expect(200, post(myTokenEndpoint, theForm, List.of())));
	}

	private HttpResponse<String> post(URI theUrl, Map<String, String> theFields, List<String> theScopes) throws IOException, InterruptedException {
		List<String> pairs = new ArrayList<>();
		theFields.forEach((name, value) -> pairs.add(encode(name) + "=" + encode(value)));
		theScopes.forEach(scope -> pairs.add("scope=" + encode(scope)));
		return send(HttpRequest.newBuilder(theUrl).header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs))));
	}

	private HttpResponse<String> send(HttpRequest.Builder theRequest) throws IOException, InterruptedException {
		return myBrowser.send(theRequest.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String expect(int theStatus, HttpResponse<String> theResponse) throws IOException {
		if (theResponse.statusCode() != theStatus) {
			throw new IOException(theResponse.request().uri() + " answered " + theResponse.statusCode() + ": " + theResponse.body());
		}
		return theResponse.body();
	}

	private static Map<String, String> hiddenFields(String theHtml) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(theHtml);
		while (hidden.find()) {
			fields.put(HtmlUtils.htmlUnescape(hidden.group(1)), HtmlUtils.htmlUnescape(hidden.group(2)));
		}
		return fields;
	}

	private static String challenge(String theVerifier) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(theVerifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every JVM has SHA-256", e);
		}
	}

	private static String encode(String theValue) {
		return URLEncoder.encode(theValue, StandardCharsets.UTF_8);
	}

	private static String decode(String theValue) {
		return theValue == null ? "" : URLDecoder.decode(theValue, StandardCharsets.UTF_8);
	}
}
