package org.openimd.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Totp;
import org.openimd.server.security.login.UserAccount;
import org.springframework.web.util.HtmlUtils;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * A person's browser and an app going through SMART's authorization-code flow over HTTP, as they
 * would: the app sends the browser to the authorization endpoint with PKCE; the person signs in with
 * password and authenticator code, picks a patient if asked, consents (withholding what the test
 * says), and the browser lands on the app's redirect URI; the app then trades the code for tokens.
 */
public final class AppAuthorization {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final Pattern HIDDEN = Pattern.compile("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
	private static final Pattern CHECKBOX = Pattern.compile("<input type=\"checkbox\" name=\"scope\" checked value=\"([^\"]+)\">");

	private final String myBaseUrl;
	private final CookieManager myCookies = new CookieManager();
	private final HttpClient myBrowser;
	final String codeVerifier = random();
	final String state = random();

	/** What the person does when asked. */
	Set<String> withheldScopes = Set.of();
	/** Where the app is registered to receive the code. */
	public String redirectUri = TestClients.APP_REDIRECT_URI;
	String patientToPick;
	/** The network address the browser is seen from, through the proxy the tests stand behind; null for loopback. */
	String forwardedFor;
	/** The authenticator code is taken this far from now, so that one person can sign in twice in a test. */
	long codeStepOffset;

	public AppAuthorization(String theBaseUrl) {
		this(theBaseUrl, defaultTls());
	}

	/** A browser that trusts the certificates {@code theTls} trusts: a packaged server's own, say. */
	public AppAuthorization(String theBaseUrl, SSLContext theTls) {
		myBaseUrl = theBaseUrl;
		myBrowser = HttpClient.newBuilder().sslContext(theTls).cookieHandler(myCookies).followRedirects(HttpClient.Redirect.NEVER).build();
	}

	private static SSLContext defaultTls() {
		try {
			return SSLContext.getDefault();
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}

	/** The first sign-in step, a fresh form's username and password: where the server sends the browser next. */
	public String passwordStep(String theUsername, String thePassword) throws IOException, InterruptedException {
		String csrf = hidden(get("/auth/login").body()).get("_csrf");
		return post("/auth/login", Map.of("username", theUsername, "password", thePassword, "_csrf", csrf)).headers().firstValue("Location").orElse("");
	}

	/** The authorization request an app sends the browser to, with PKCE S256, plus {@code theExtra} parameters. */
	public String authorizationUrl(String theClientId, String theScope, Map<String, String> theExtra) {
		UriComponentsBuilder url = UriComponentsBuilder.fromUriString(myBaseUrl + "/oauth2/authorize")
				.queryParam("response_type", "code")
				.queryParam("client_id", theClientId)
				.queryParam("redirect_uri", redirectUri)
				.queryParam("scope", theScope)
				.queryParam("state", state)
				.queryParam("aud", myBaseUrl + "/fhir")
				.queryParam("code_challenge", challenge(codeVerifier))
				.queryParam("code_challenge_method", "S256");
		theExtra.forEach((name, value) -> {
			if (value == null) {
				url.replaceQueryParam(name);
			} else {
				url.replaceQueryParam(name, value);
			}
		});
		return url.encode().build().toUriString();
	}

	/**
	 * Follows the browser from {@code theUrl} through sign-in, picker and consent to the app's redirect
	 * URI, and returns that URI's query parameters ({@code code} and {@code state}, or {@code error}).
	 */
	public Map<String, String> authorize(String theUrl, UserAccount thePerson, String thePassword) throws Exception {
		String next = theUrl;
		for (int step = 0; step < 20; step++) {
			if (next.startsWith(redirectUri)) {
				return UriComponentsBuilder.fromUriString(next).build().getQueryParams().toSingleValueMap().entrySet().stream()
						.collect(Collectors.toMap(Map.Entry::getKey, entry -> decode(entry.getValue())));
			}
			String path = URI.create(absolute(next)).getPath();
			HttpResponse<String> response;
			if (path.equals("/auth/login")) {
				String form = get(next).body();
				response = post("/auth/login", Map.of("username", thePerson.username(), "password", thePassword, "_csrf", hidden(form).get("_csrf")));
			} else if (path.equals("/auth/login/code")) {
				String form = get(next).body();
				response = post("/auth/login/code", Map.of("code", codeNow(thePerson), "_csrf", hidden(form).get("_csrf")));
			} else if (path.equals("/auth/patient")) {
				Map<String, String> fields = hidden(get(next).body());
				fields.put("patient", patientToPick);
				response = post("/auth/patient", fields);
			} else if (path.equals("/auth/consent")) {
				String form = get(next).body();
				Map<String, String> fields = hidden(form);
				List<String> granted = new ArrayList<>();
				Matcher checkbox = CHECKBOX.matcher(form);
				while (checkbox.find()) {
					if (!withheldScopes.contains(checkbox.group(1))) {
						granted.add(checkbox.group(1));
					}
				}
				response = post("/oauth2/authorize", fields, granted);
			} else {
				response = get(next);
			}
			if (response.statusCode() != 302) {
				throw new IllegalStateException("expected a redirect from " + next + ", got " + response.statusCode() + ": " + response.body());
			}
			next = response.headers().firstValue("Location").orElseThrow();
		}
		throw new IllegalStateException("the flow did not reach the app");
	}

	String codeNow(UserAccount thePerson) {
		return unusedCode(thePerson, codeStepOffset);
	}

	/**
	 * The person's authenticator code {@code theStepOffset} seconds from now, once the server would take
	 * it: a code is good once, so after a sign-in in the same 30 seconds (by another test class) this
	 * waits for the next, as the person would.
	 */
	public static String unusedCode(UserAccount thePerson, long theStepOffset) {
		while (true) {
			Clock then = Clock.fixed(Instant.now().plusSeconds(theStepOffset), Clock.systemUTC().getZone());
			String code = new Totp(then).currentCode(thePerson.totpSecret());
			if (new Totp(then).verify(thePerson.totpSecret(), code, thePerson.lastTotpStep()).isPresent()) {
				return code;
			}
			try {
				Thread.sleep(1000);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(e);
			}
		}
	}

	/** The app's token request for {@code theCode}; a confidential app authenticates with its secret. */
	HttpResponse<String> exchange(String theClientId, String theSecret, Map<String, String> theForm) throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(myBaseUrl + "/oauth2/token"))
				.header("Content-Type", "application/x-www-form-urlencoded");
		Map<String, String> form = new LinkedHashMap<>(theForm);
		if (theSecret != null) {
			request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((theClientId + ":" + theSecret).getBytes(StandardCharsets.UTF_8)));
		} else {
			form.put("client_id", theClientId);
		}
		return HttpClient.newHttpClient().send(request.POST(HttpRequest.BodyPublishers.ofString(formBody(form, List.of()))).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	public HttpResponse<String> exchangeCode(String theClientId, String theSecret, String theCode) throws IOException, InterruptedException {
		return exchange(theClientId, theSecret, Map.of("grant_type", "authorization_code", "code", theCode,
				"redirect_uri", redirectUri, "code_verifier", codeVerifier));
	}

	/** The cookies the browser holds for the server, as it would send them: its sign-in session among them. */
	String cookieHeader() {
		return myCookies.getCookieStore().getCookies().stream().map(Object::toString).collect(Collectors.joining("; "));
	}

	public static JsonNode json(HttpResponse<String> theResponse) throws IOException {
		return JSON.readTree(theResponse.body());
	}

	HttpResponse<String> get(String theUrl) throws IOException, InterruptedException {
		return myBrowser.send(fromBrowser(HttpRequest.newBuilder(URI.create(absolute(theUrl)))).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	HttpResponse<String> post(String thePath, Map<String, String> theForm) throws IOException, InterruptedException {
		return post(thePath, theForm, List.of());
	}

	private HttpResponse<String> post(String thePath, Map<String, String> theForm, List<String> theScopes)
			throws IOException, InterruptedException {
		return myBrowser.send(fromBrowser(HttpRequest.newBuilder(URI.create(absolute(thePath))))
						.header("Content-Type", "application/x-www-form-urlencoded")
						.POST(HttpRequest.BodyPublishers.ofString(formBody(theForm, theScopes)))
						.build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpRequest.Builder fromBrowser(HttpRequest.Builder theRequest) {
		return forwardedFor == null ? theRequest : theRequest.header("X-Forwarded-For", forwardedFor);
	}

	private static String formBody(Map<String, String> theForm, List<String> theScopes) {
		List<String> fields = new ArrayList<>();
		theForm.forEach((name, value) -> fields.add(encode(name) + "=" + encode(value)));
		theScopes.forEach(scope -> fields.add("scope=" + encode(scope)));
		return String.join("&", fields);
	}

	private String absolute(String theUrl) {
		return theUrl.startsWith("http") ? theUrl : myBaseUrl + theUrl;
	}

	static Map<String, String> hidden(String theHtml) {
		Map<String, String> fields = new LinkedHashMap<>();
		Matcher hidden = HIDDEN.matcher(theHtml);
		while (hidden.find()) {
			fields.put(unescape(hidden.group(1)), unescape(hidden.group(2)));
		}
		return fields;
	}

	private static String unescape(String theHtml) {
		return HtmlUtils.htmlUnescape(theHtml);
	}

	private static String encode(String theValue) {
		return URLEncoder.encode(theValue, StandardCharsets.UTF_8);
	}

	private static String decode(String theValue) {
		return URLDecoder.decode(theValue, StandardCharsets.UTF_8);
	}

	private static String random() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static String challenge(String theVerifier) {
		try {
			byte[] hash = MessageDigest.getInstance("SHA-256").digest(theVerifier.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException(e);
		}
	}
}
