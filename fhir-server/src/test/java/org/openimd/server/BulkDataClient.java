package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** A FHIR Bulk Data Access client, as a system would be: kick-off, status polling, file download. */
public record BulkDataClient(String fhirBase) {

	private static final ObjectMapper JSON = new ObjectMapper();
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	/** Kicks off {@code thePathAndQuery} ({@code $export?_type=Device}) asynchronously, with {@code theToken} unless null. */
	public HttpResponse<String> kickOff(String theToken, String thePathAndQuery) throws IOException, InterruptedException {
		return send(theToken, HttpRequest.newBuilder(URI.create(fhirBase + "/" + thePathAndQuery))
				.header("Accept", "application/fhir+json").header("Prefer", "respond-async").GET());
	}

	public HttpResponse<String> send(String theToken, HttpRequest.Builder theRequest) throws IOException, InterruptedException {
		if (theToken != null) {
			theRequest.header("Authorization", "Bearer " + theToken);
		}
		return HTTP.send(theRequest.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Polls the status URL until the manifest is there; while it is not, each answer says how far it got and when to ask again. */
	public JsonNode manifestOnceDone(String theToken, String theStatus) {
		HttpResponse<String> done = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
			HttpResponse<String> polled = send(theToken, HttpRequest.newBuilder(URI.create(theStatus)).GET());
			if (polled.statusCode() == 202) {
				assertThat(polled.headers().firstValue("X-Progress")).isPresent();
				assertThat(polled.headers().firstValue("Retry-After")).isPresent();
			}
			return polled;
		}, polled -> polled.statusCode() != 202);
		assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
		try {
			return JSON.readTree(done.body());
		} catch (IOException e) {
			throw new AssertionError("the manifest is not JSON: " + done.body(), e);
		}
	}

	/** Every resource in the manifest's files of {@code theType}, fetched with {@code theToken}. */
	public List<IBaseResource> filesOfType(String theToken, JsonNode theManifest, String theType) throws IOException, InterruptedException {
		List<IBaseResource> resources = new ArrayList<>();
		for (JsonNode output : theManifest.get("output")) {
			if (output.get("type").asText().equals(theType)) {
				HttpResponse<String> file = send(theToken, HttpRequest.newBuilder(URI.create(output.get("url").asText()))
						.header("Accept", "application/fhir+ndjson").GET());
				assertThat(file.statusCode()).as(file.body()).isEqualTo(200);
				file.body().lines().filter(line -> !line.isBlank())
						.map(line -> FhirContext.forR4Cached().newJsonParser().parseResource(line)).forEach(resources::add);
			}
		}
		return resources;
	}
}
