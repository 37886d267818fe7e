package org.openimd.benchmark;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Bundle;

/**
 * FHIR Bulk Data export at clinic scale, against the packaged server started as its own process (on the
 * PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2): P patients with 8 interrogations each are loaded
 * over MLLP (4 senders), then the types a clinic network takes (Patient, Device, DiagnosticReport,
 * Observation) are exported by a system: kicked off, polled every second, and every file downloaded as
 * a stream, while the server's resident memory is sampled every half second. The baseline, in the same
 * run: the same types read page by page through FHIR searches ({@code _count=500}), as a client without
 * Bulk Data would.
 *
 * Usage: {@code ExportBenchmark <launcher> <patients>}. Bounded: it loads exactly what is asked for, to
 * loopback only, and stops the server it started.
 */
public final class ExportBenchmark {

	private static final List<String> TYPES = List.of("Patient", "Device", "DiagnosticReport", "Observation");
	private static final ObjectMapper JSON = new ObjectMapper();

	private ExportBenchmark() {}

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int patients = Integer.parseInt(theArgs[1]);
		try (LoadedClinic clinic = LoadedClinic.start(launcher, patients, "export-benchmark")) {
			ServerProcess server = clinic.server();
			AccessTokens tokens = new AccessTokens(server.base());
			long residentBefore = server.residentMiB();

			AtomicLong residentPeak = new AtomicLong(residentBefore);
			ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
			sampler.scheduleAtFixedRate(() -> {
				try {
					residentPeak.accumulateAndGet(server.residentMiB(), Math::max);
				} catch (Exception stopped) {
					// the server is gone; the figures say so by stopping
				}
			}, 0, 500, TimeUnit.MILLISECONDS);
			long exportStart = System.nanoTime();
			String status = kickOff(server, tokens);
			JsonNode manifest = manifestOnceDone(server, tokens, status);
			double jobSeconds = (System.nanoTime() - exportStart) / 1e9;
			long exported = 0;
			for (JsonNode output : manifest.get("output")) {
				exported += linesOf(server, tokens, output.get("url").asText());
			}
			double exportSeconds = (System.nanoTime() - exportStart) / 1e9;
			sampler.shutdownNow();
			long residentAfter = server.residentMiB();

			long pagingStart = System.nanoTime();
			long paged = 0;
			for (String type : TYPES) {
				paged += pageThrough(server, tokens, server.base() + "/fhir/" + type + "?_count=500");
			}
			double pagingSeconds = (System.nanoTime() - pagingStart) / 1e9;

			System.out.printf("%nBulk Data export: %d patients (%s), database %s%n", patients, clinic.loadDescription(), LoadedClinic.database());
			System.out.printf("| %-34s | %10s | %9s | %12s | %10s |%n", "form", "resources", "seconds", "resources/s", "vs paging");
			System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(36), "-".repeat(12), "-".repeat(11), "-".repeat(14), "-".repeat(12));
			System.out.printf("| %-34s | %10d | %9.1f | %12.0f | %9.2fx |%n", "$export (job until the manifest)", exported, jobSeconds,
					exported / jobSeconds, pagingSeconds / jobSeconds);
			System.out.printf("| %-34s | %10d | %9.1f | %12.0f | %9.2fx |%n", "$export with every file downloaded", exported, exportSeconds,
					exported / exportSeconds, pagingSeconds / exportSeconds);
			System.out.printf("| %-34s | %10d | %9.1f | %12.0f | %9.2fx |%n", "baseline: searches, 500 a page", paged, pagingSeconds,
					paged / pagingSeconds, 1.0);
			System.out.printf("Server resident memory: %d MiB before, %d MiB at most during the export, %d MiB after%n", residentBefore,
					residentPeak.get(), residentAfter);
		}
	}

	private static String kickOff(ServerProcess theServer, AccessTokens theTokens) throws Exception {
		HttpResponse<String> answer = theServer.http().send(HttpRequest.newBuilder(URI.create(theServer.base() + "/fhir/$export?_type="
						+ String.join(",", TYPES))).header("Authorization", "Bearer " + theTokens.current()).header("Prefer", "respond-async")
				.header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
		if (answer.statusCode() != 202) {
			throw new IllegalStateException("$export answered " + answer.statusCode() + ": " + answer.body());
		}
		return answer.headers().firstValue("Content-Location").orElseThrow();
	}

	private static JsonNode manifestOnceDone(ServerProcess theServer, AccessTokens theTokens, String theStatus) throws Exception {
		while (true) {
			HttpResponse<String> polled = theServer.http().send(HttpRequest.newBuilder(URI.create(theStatus))
					.header("Authorization", "Bearer " + theTokens.current()).GET().build(), HttpResponse.BodyHandlers.ofString());
			if (polled.statusCode() == 200) {
				return JSON.readTree(polled.body());
			}
			if (polled.statusCode() != 202) {
				throw new IllegalStateException("the export's status answered " + polled.statusCode() + ": " + polled.body());
			}
			Thread.sleep(1000);
		}
	}

	/** Streams one NDJSON file and counts its resources, without holding it in memory. */
	private static long linesOf(ServerProcess theServer, AccessTokens theTokens, String theFile) throws Exception {
		HttpResponse<InputStream> file = theServer.http().send(HttpRequest.newBuilder(URI.create(theFile))
				.header("Authorization", "Bearer " + theTokens.current()).header("Accept", "application/fhir+ndjson").GET().build(),
				HttpResponse.BodyHandlers.ofInputStream());
		if (file.statusCode() != 200) {
			throw new IllegalStateException(theFile + " answered " + file.statusCode());
		}
		try (BufferedReader lines = new BufferedReader(new InputStreamReader(file.body(), StandardCharsets.UTF_8))) {
			return lines.lines().filter(line -> !line.isBlank()).count();
		}
	}

	private static long pageThrough(ServerProcess theServer, AccessTokens theTokens, String theFirstPage) throws Exception {
		long resources = 0;
		String next = theFirstPage;
		while (next != null) {
			HttpResponse<String> page = theServer.http().send(HttpRequest.newBuilder(URI.create(next))
					.header("Authorization", "Bearer " + theTokens.current()).header("Accept", "application/fhir+json").GET().build(),
					HttpResponse.BodyHandlers.ofString());
			if (page.statusCode() != 200) {
				throw new IllegalStateException(next + " answered " + page.statusCode() + ": " + page.body());
			}
			Bundle bundle = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, page.body());
			resources += bundle.getEntry().size();
			next = bundle.getLink(Bundle.LINK_NEXT) == null ? null : bundle.getLink(Bundle.LINK_NEXT).getUrl();
		}
		return resources;
	}
}
