package org.openimd.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;

/**
 * CORS as a browser app on another origin meets it: the preflight of its token exchange and API calls,
 * and the answers themselves, carry the app's origin when it is a registered app's, and nothing for any
 * other origin or path.
 */
class BrowserAppCorsIT extends BaseServerIT {

	private static final String REGISTERED_APP_ORIGIN = "https://app.example";
	private static final String UNKNOWN_ORIGIN = "https://attacker.example";
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void aRegisteredAppsOriginMayExchangeItsCodeAndCallTheApi() throws Exception {
		assertThat(TestClients.APP_REDIRECT_URI).startsWith(REGISTERED_APP_ORIGIN + "/");

		HttpResponse<String> tokenPreflight = preflight("/oauth2/token", REGISTERED_APP_ORIGIN, "POST", "content-type");
		assertThat(tokenPreflight.statusCode()).isEqualTo(200);
		assertThat(tokenPreflight.headers().firstValue("Access-Control-Allow-Origin")).contains(REGISTERED_APP_ORIGIN);
		assertThat(tokenPreflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
		assertThat(tokenPreflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

		HttpResponse<String> apiPreflight = preflight("/fhir/Patient", REGISTERED_APP_ORIGIN, "GET", "authorization");
		assertThat(apiPreflight.statusCode()).isEqualTo(200);
		assertThat(apiPreflight.headers().firstValue("Access-Control-Allow-Origin")).contains(REGISTERED_APP_ORIGIN);
		assertThat(apiPreflight.headers().firstValue("Access-Control-Allow-Headers").orElseThrow()).containsIgnoringCase("authorization");

		HttpResponse<String> read = HTTP.send(authorized("/fhir/Patient?_count=1").header("Origin", REGISTERED_APP_ORIGIN).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(read.statusCode()).isEqualTo(200);
		assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).contains(REGISTERED_APP_ORIGIN);
		assertThat(read.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("Location", "ETag");

	}

	@Test
	void thePublicDocumentsAnAppReadsBeforeItHasATokenAnswerEveryOriginWithoutCredentials() throws Exception {
		for (String path : new String[] {"/fhir/.well-known/smart-configuration", "/fhir/metadata", "/.well-known/openid-configuration"}) {
			HttpResponse<String> document = get(path, UNKNOWN_ORIGIN);
			assertThat(document.statusCode()).as(path).isEqualTo(200);
			assertThat(document.headers().allValues("Access-Control-Allow-Origin")).as(path).containsExactly("*");
			assertThat(document.headers().firstValue("Access-Control-Allow-Credentials")).as(path).isEmpty();
		}
	}

	@Test
	void anOriginAllowedByConfigurationMayCallTheApi() throws Exception {
		HttpResponse<String> preflight = preflight("/fhir/Observation", CONFIGURED_BROWSER_ORIGIN, "GET", "authorization");

		assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(CONFIGURED_BROWSER_ORIGIN);
	}

	@Test
	void anyOtherOriginGetsNoCorsHeadersAndCannotReadTheAnswer() throws Exception {
		HttpResponse<String> tokenPreflight = preflight("/oauth2/token", UNKNOWN_ORIGIN, "POST", "content-type");
		assertThat(tokenPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

		HttpResponse<String> apiPreflight = preflight("/fhir/Patient", UNKNOWN_ORIGIN, "GET", "authorization");
		assertThat(apiPreflight.statusCode()).isBetween(400, 499);
		assertThat(apiPreflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

		HttpResponse<String> read = HTTP.send(authorized("/fhir/Patient?_count=1").header("Origin", UNKNOWN_ORIGIN).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(read.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	@Test
	void signInAndConsentPagesAreNotCrossOriginEvenForARegisteredApp() throws Exception {
		assertThat(get("/auth/login", REGISTERED_APP_ORIGIN).headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
		assertThat(preflight("/oauth2/authorize", REGISTERED_APP_ORIGIN, "GET", "authorization").headers()
				.firstValue("Access-Control-Allow-Origin")).isEmpty();
	}

	private HttpResponse<String> preflight(String thePath, String theOrigin, String theMethod, String theHeaders) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath))
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", theOrigin)
				.header("Access-Control-Request-Method", theMethod)
				.header("Access-Control-Request-Headers", theHeaders)
				.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String thePath, String theOrigin) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath)).header("Origin", theOrigin).build(),
				HttpResponse.BodyHandlers.ofString());
	}
}
