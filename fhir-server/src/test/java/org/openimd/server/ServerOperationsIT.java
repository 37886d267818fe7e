package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openimd.server.alerts.TransmissionMessages;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.yaml.snakeyaml.Yaml;

@ExtendWith(OutputCaptureExtension.class)
class ServerOperationsIT extends BaseServerIT {

	private final HttpClient myHttp = HttpClient.newHttpClient();

	@Test
	void healthLivenessAndReadinessAreUp() throws Exception {
		for (String path : new String[] {"/actuator/health", "/actuator/health/liveness", "/actuator/health/readiness"}) {
			HttpResponse<String> response = get(path, null);

			assertThat(response.statusCode()).as(path).isEqualTo(200);
			assertThat(response.body()).as(path).contains("\"status\":\"UP\"");
		}
	}

	@Test
	void prometheusExposesRequestAndConnectionPoolMetrics() throws Exception {
		get("/fhir/metadata", null);

		HttpResponse<String> metrics = get("/actuator/prometheus", null);

		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(metrics.body()).contains("http_server_requests_seconds_count", "hikaricp_connections_active", "jvm_memory_used_bytes");
	}

	@Test
	void theAlertRulesNameOnlyMetricsTheServerExposes() throws Exception {
		postHl7v2(TransmissionMessages.icdMessage("MON" + UUID.randomUUID().toString().substring(0, 8), "20261201"));
		get("/fhir/metadata", null);
		String scraped = get("/actuator/prometheus", null).body();
		Set<String> exposed = scraped.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
				.map(line -> line.split("[{ ]", 2)[0]).collect(Collectors.toSet());

		Map<String, Object> rules;
		try (InputStream in = Files.newInputStream(Path.of(System.getProperty("user.dir")).getParent().resolve("docker/prometheus/openimd-alerts.yml"))) {
			rules = new Yaml().load(in);
		}
		List<String> expressions = ((List<?>) rules.get("groups")).stream().flatMap(group -> ((List<?>) ((Map<?, ?>) group).get("rules")).stream())
				.map(rule -> String.valueOf(((Map<?, ?>) rule).get("expr"))).toList();
		assertThat(expressions).hasSizeGreaterThan(5);
		Matcher metric = Pattern.compile("\\b((?:openimd|http|hikaricp|jvm|process)_[a-z0-9_]+)").matcher(String.join("\n", expressions));
		List<String> named = new ArrayList<>();
		while (metric.find()) {
			named.add(metric.group(1));
		}
		assertThat(named).contains("openimd_ingest_messages_total", "openimd_mllp_connections_cut_off_total");
		assertThat(exposed).containsAll(named);
		assertThat(scraped.lines().filter(line -> line.startsWith("openimd_ingest_messages_total{"))).as("the message just posted, counted")
				.anyMatch(line -> line.contains("status=\"accepted\"") && line.contains("transport=\"http\""));
	}

	@Test
	void fhirResponseCarriesTheCallersRequestIdAndTheLogNamesIt(CapturedOutput theLog) throws Exception {
		HttpResponse<String> response = get("/fhir/Patient?_count=1", "ehr-trace-42");

		assertThat(response.headers().allValues("X-Request-ID")).containsOnly("ehr-trace-42");
		// HAPI writes the request line once the response has gone out, so it may trail the answer.
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(theLog.getOut())
				.containsPattern("\\[ehr-trace-42\\].*GET http://localhost:\\d+/fhir/Patient search-type Patient -> \\d+ ms")
				// query strings can carry names and record numbers; they stay out of the log
				.doesNotContain("_count=1"));
	}

	@Test
	void requestIdThatCouldForgeLogLinesIsReplaced() throws Exception {
		HttpResponse<String> response = get("/fhir/metadata", "x\"} INFO forged-entry");

		assertThat(response.headers().firstValue("X-Request-ID")).get().asString().matches("[0-9a-f]{16}");
	}

	@Test
	void everyRequestGetsAnIdEvenOutsideFhir() throws Exception {
		HttpResponse<String> response = get("/actuator/health", null);

		assertThat(response.headers().firstValue("X-Request-ID")).get().asString().matches("[0-9a-f]{16}");
	}

	private HttpResponse<String> get(String thePath, String theRequestId) throws IOException, InterruptedException {
		HttpRequest.Builder request = authorized(thePath);
		if (theRequestId != null) {
			request.header("X-Request-ID", theRequestId);
		}
		return myHttp.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}
}
