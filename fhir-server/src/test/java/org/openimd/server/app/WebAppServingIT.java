package org.openimd.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;

/**
 * How the landing page, the app, its libraries and the docs are served: to anyone, without a token,
 * under a content security policy, cached as their kind allows; and nothing but reading them.
 */
class WebAppServingIT extends BaseServerIT {

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	@Test
	void theLandingPageTheAppAndTheDocsAreServedWithoutATokenUnderAContentSecurityPolicy() throws Exception {
		for (String path : new String[] {"/", "/app/", "/app/app.js", "/docs/web-app.md", IdcoLabelsController.PATH}) {
			HttpResponse<String> response = get(path);
			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow()).as(path)
					.contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'self'");
			assertThat(response.headers().firstValue("Referrer-Policy")).as(path).contains("no-referrer");
		}
		assertThat(get("/").body()).contains("OpenIMD", "href=\"/app/\"");
		assertThat(get("/docs/web-app.md").headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
		assertThat(get(IdcoLabelsController.PATH).body()).contains("\"722433\":\"Measured right ventricular (RV) lead channel: pacing impedance value\"");
		assertThat(get("/app").statusCode()).as("the app's address without its slash").isEqualTo(302);
	}

	@Test
	void theAppIsRevalidatedAndAVersionedLibraryKeptForAYear() throws Exception {
		HttpResponse<String> app = get("/app/app.js");
		assertThat(app.headers().firstValue("Cache-Control").orElseThrow()).contains("no-cache").doesNotContain("no-store");
		String lastModified = app.headers().firstValue("Last-Modified").orElseThrow();
		HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/app/app.js")).header("If-Modified-Since", lastModified)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(again.statusCode()).isEqualTo(304);

		HttpResponse<String> library = get("/webjars/uplot/1.6.30/dist/uPlot.esm.js");
		assertThat(library.statusCode()).isEqualTo(200);
		assertThat(library.headers().firstValue("Cache-Control").orElseThrow()).contains("max-age=31536000", "immutable");
	}

	@Test
	void nothingButReadingTheStaticFiles() throws Exception {
		for (String path : new String[] {"/", "/app/", "/app/app.js", "/webjars/uplot/1.6.30/dist/uPlot.esm.js"}) {
			HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString("x"))
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(post.statusCode()).as("POST " + path).isIn(401, 403, 405);
		}
		assertThat(get("/app/../fhir/Patient").statusCode()).as("no way around the API's token through the app's path").isEqualTo(400);
		assertThat(get("/app/%2e%2e/fhir/Patient").statusCode()).as("nor encoded").isEqualTo(400);
		assertThat(get("/fhir/Patient/a.b").statusCode()).as("a dot inside a segment is no dot segment").isEqualTo(401);
	}

	private HttpResponse<String> get(String thePath) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + thePath)).build(), HttpResponse.BodyHandlers.ofString());
	}
}
