package org.openimd.benchmark;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A clinician's questions at clinic scale, against the packaged server started as its own process (on
 * the PostgreSQL named by OPENIMD_TEST_PG_URL, else on H2): P patients with 8 interrogations each are
 * loaded over MLLP (4 senders), then each question is asked 200 times (after 20 unmeasured), for
 * patients drawn at random, in two forms in the same run, alternately:
 *
 * <ul>
 *   <li>OpenIMD's form: what the web app asks (the CardX-CIED IDCO observation that holds an
 *       interrogation's measurements, the {@code triage-rank} and {@code idco-value} search
 *       parameters, a first page only: {@code Cache-Control: no-store});</li>
 *   <li>the baseline: the same question through HAPI's generic searches ({@code _include},
 *       {@code _sort}, {@code component-code}, {@code component-code-value-quantity}).</li>
 * </ul>
 *
 * Usage: {@code QueryBenchmark <launcher> <patients>}. Bounded: it loads exactly what is asked for, to
 * loopback only, and stops the server it started.
 */
public final class QueryBenchmark {

	private static final int WARM_UP = 20;
	private static final int QUESTIONS = 200;
	private static final String IDCO_OBSERVATION = "http://hl7.org/fhir/uv/cardx-cied/CodeSystem/CardXCIED|IDCO";
	private static final String MDC = "urn:iso:std:iso:11073:10101";
	/** MDC_IDC_MSMT_LEADCHNL_RV_IMPEDANCE_VALUE, in Ohm. */
	private static final String RV_IMPEDANCE = "722433";
	private static final Pattern COUNT = Pattern.compile("(?:^|&)_count=(\\d+)");
	private static final String REVIEW_TASK = "https://openimd.org/fhir/CodeSystem/remote-monitoring|transmission-review";

	private QueryBenchmark() {}

	/** One clinician's question, asked the two ways; {@code %s} stands for a patient's id. */
	private record Question(String name, String openImd, String baseline) {}

	private static final List<Question> QUESTIONS_ASKED = List.of(
			new Question("latest interrogation with its measurements",
					"Observation?patient=%s&code=" + IDCO_OBSERVATION + "&_sort=-date&_count=1",
					"DiagnosticReport?subject=%s&_sort=-date&_count=1&_include=DiagnosticReport:result"),
			new Question("RV lead impedance over time",
					"Observation?patient=%s&code=" + IDCO_OBSERVATION + "&_sort=date&_count=200",
					"Observation?patient=%s&component-code=" + MDC + "|" + RV_IMPEDANCE + "&_sort=date&_count=200"),
			new Question("triage worklist",
					"Task?code=" + REVIEW_TASK + "&status=requested,in-progress&_sort=triage-rank,authored-on&_include=Task:patient&_count=100",
					"Task?code=" + REVIEW_TASK + "&status=requested,in-progress&_sort=priority,authored-on&_include=Task:patient&_count=100"),
			new Question("RV impedance over 1000 Ohm, across patients",
					"Observation?idco-value=" + RV_IMPEDANCE + "$gt1000&_count=50",
					"Observation?component-code-value-quantity=" + MDC + "|" + RV_IMPEDANCE + "$gt1000&_count=50"));

	public static void main(String[] theArgs) throws Exception {
		Path launcher = Path.of(theArgs[0]).toAbsolutePath();
		int patients = Integer.parseInt(theArgs[1]);
		try (LoadedClinic clinic = LoadedClinic.start(launcher, patients, "query-benchmark")) {
			ServerProcess server = clinic.server();
			AccessTokens tokens = new AccessTokens(server.base());
			List<String> patientIds = patientIds(server, tokens, patients);

			System.out.printf("%nClinician queries: %d patients (%s), database %s%n", patients, clinic.loadDescription(), LoadedClinic.database());
			System.out.printf("| %-44s | %-8s | %8s | %8s | %12s |%n", "question", "form", "p50 ms", "p95 ms", "p95 vs base");
			System.out.printf("|%s|%s|%s|%s|%s|%n", "-".repeat(46), "-".repeat(10), "-".repeat(10), "-".repeat(10), "-".repeat(14));
			SplittableRandom random = new SplittableRandom(8);
			for (Question question : QUESTIONS_ASKED) {
				long[] openImd = new long[QUESTIONS];
				long[] baseline = new long[QUESTIONS];
				for (int i = -WARM_UP; i < QUESTIONS; i++) {
					String patient = patientIds.get(random.nextInt(patientIds.size()));
					long openImdNanos = ask(server, tokens, question.openImd(), patient, true);
					long baselineNanos = ask(server, tokens, question.baseline(), patient, false);
					if (i >= 0) {
						openImd[i] = openImdNanos;
						baseline[i] = baselineNanos;
					}
				}
				double baselineP95 = Latencies.percentileMillis(baseline, 0.95);
				System.out.printf("| %-44s | %-8s | %8.1f | %8.1f | %11.2fx |%n", question.name(), "OpenIMD", Latencies.percentileMillis(openImd, 0.5),
						Latencies.percentileMillis(openImd, 0.95), Latencies.percentileMillis(openImd, 0.95) / baselineP95);
				System.out.printf("| %-44s | %-8s | %8.1f | %8.1f | %11.2fx |%n", question.name(), "baseline", Latencies.percentileMillis(baseline, 0.5),
						baselineP95, 1.0);
			}
		}
	}

	/** The ids of up to {@code theCount} stored patients, page by page. */
	private static List<String> patientIds(ServerProcess theServer, AccessTokens theTokens, int theCount) throws Exception {
		List<String> ids = new ArrayList<>();
		String next = theServer.base() + "/fhir/Patient?_elements=id&_count=500";
		while (next != null && ids.size() < theCount) {
			Bundle page = FhirContext.forR4Cached().newJsonParser().parseResource(Bundle.class, get(theServer.http(), theTokens, next).body());
			page.getEntry().forEach(entry -> ids.add("Patient/" + entry.getResource().getIdElement().getIdPart()));
			next = page.getLink(Bundle.LINK_NEXT) == null ? null : page.getLink(Bundle.LINK_NEXT).getUrl();
		}
		return ids;
	}

	/**
	 * Asks {@code theQuery} for {@code thePatient}, reads the whole answer, and says how long it took. The web
	 * app asks for a first page only (it never pages on), with {@code Cache-Control: no-store} and its
	 * {@code _count} as HAPI's {@code max-results}.
	 */
	private static long ask(ServerProcess theServer, AccessTokens theTokens, String theQuery, String thePatient, boolean theFirstPageOnly)
			throws Exception {
		String[] pathAndQuery = String.format(theQuery, thePatient).split("\\?", 2);
		StringBuilder encoded = new StringBuilder();
		for (String parameter : pathAndQuery[1].split("&")) {
			String[] nameAndValue = parameter.split("=", 2);
			encoded.append(encoded.isEmpty() ? "" : "&").append(nameAndValue[0]).append('=')
					.append(URLEncoder.encode(nameAndValue[1], StandardCharsets.UTF_8));
		}
		String url = theServer.base() + "/fhir/" + pathAndQuery[0] + "?" + encoded;
		Matcher count = COUNT.matcher(pathAndQuery[1]);
		String[] firstPageOnly = theFirstPageOnly && count.find() ? new String[] {"Cache-Control", "no-store, max-results=" + count.group(1)}
				: new String[0];
		long start = System.nanoTime();
		HttpResponse<String> answer = get(theServer.http(), theTokens, url, firstPageOnly);
		long nanos = System.nanoTime() - start;
		if (answer.statusCode() != 200) {
			throw new IllegalStateException(url + " answered " + answer.statusCode() + ": " + answer.body());
		}
		return nanos;
	}

	private static HttpResponse<String> get(HttpClient theHttp, AccessTokens theTokens, String theUrl, String... theHeaders) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(theUrl)).header("Authorization", "Bearer " + theTokens.current())
				.header("Accept", "application/fhir+json");
		if (theHeaders.length > 0) {
			request.headers(theHeaders);
		}
		return theHttp.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
	}
}
