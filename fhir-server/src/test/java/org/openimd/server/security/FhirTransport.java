package org.openimd.server.security;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;

/**
 * How a test's FHIR requests reach the server: each on its own (searches paged or answered at once),
 * or each wrapped as the one entry of a {@code batch} Bundle, whose entry response then stands for the
 * answer. A suite run every way proves that each path passes exactly the checks the others pass.
 */
enum FhirTransport {

	PLAIN {
		@Override
		Answer send(String theFhirBase, String theToken, String theMethod, String thePath, String theBody, String theContentType) throws Exception {
			return sendAlone(theFhirBase, theToken, theMethod, thePath, theBody, theContentType, List.of());
		}
	},

	/**
	 * Each request on its own, with {@code Cache-Control: no-store} as the web app asks for the one page
	 * it shows: HAPI then runs a search at once (synchronously), a path of its own through the storage hooks.
	 */
	FIRST_PAGE_ONLY {
		@Override
		Answer send(String theFhirBase, String theToken, String theMethod, String thePath, String theBody, String theContentType) throws Exception {
			return sendAlone(theFhirBase, theToken, theMethod, thePath, theBody, theContentType, List.of("Cache-Control", "no-store"));
		}
	},

	IN_A_BATCH {
		@Override
		Answer send(String theFhirBase, String theToken, String theMethod, String thePath, String theBody, String theContentType) throws Exception {
			Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
			Bundle.BundleEntryComponent entry = batch.addEntry();
			entry.getRequest().setMethod(Bundle.HTTPVerb.fromCode(theMethod)).setUrl(thePath.substring(1));
			if (theBody != null) {
				entry.setResource(theContentType.startsWith("application/fhir+json") ? (Resource) FHIR.newJsonParser().parseResource(theBody)
						: new Binary().setContentType(theContentType).setData(theBody.getBytes(StandardCharsets.UTF_8)));
			}
			Answer answer = PLAIN.send(theFhirBase, theToken, "POST", "", FHIR.newJsonParser().encodeResourceToString(batch), FHIR_JSON);
			if (answer.status() != 200) {
				// Refused before any entry ran (no token, a body too large): the batch's own answer.
				return answer;
			}
			Bundle.BundleEntryComponent response = FHIR.newJsonParser().parseResource(Bundle.class, answer.body()).getEntryFirstRep();
			int status = Integer.parseInt(response.getResponse().getStatus().split(" ")[0]);
			IBaseResource content = response.hasResource() ? response.getResource() : response.getResponse().getOutcome();
			return new Answer(status, content == null ? "" : FHIR.newJsonParser().encodeResourceToString(content));
		}
	};

	static final String FHIR_JSON = "application/fhir+json";
	private static final FhirContext FHIR = FhirContext.forR4Cached();
	private static final HttpClient HTTP = HttpClient.newHttpClient();

	abstract Answer send(String theFhirBase, String theToken, String theMethod, String thePath, String theBody, String theContentType)
			throws Exception;

	private static Answer sendAlone(String theFhirBase, String theToken, String theMethod, String thePath, String theBody, String theContentType,
			List<String> theHeaders) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(theFhirBase + thePath)).header("Accept", "application/fhir+json");
		if (theToken != null) {
			request.header("Authorization", "Bearer " + theToken);
		}
		if (!theHeaders.isEmpty()) {
			request.headers(theHeaders.toArray(String[]::new));
		}
		request.method(theMethod, theBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(theBody));
		if (theBody != null) {
			request.header("Content-Type", theContentType);
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		return new Answer(response.statusCode(), response.body());
	}

	/** A FHIR answer: its HTTP status (or its batch entry's) and its body. */
	record Answer(int status, String body) {

		Bundle bundle() {
			if (status != 200) {
				throw new AssertionError("expected a Bundle, got " + status + ": " + body);
			}
			return FHIR.newJsonParser().parseResource(Bundle.class, body);
		}

		List<String> ids() {
			return bundle().getEntry().stream().map(found -> found.getResource().getIdElement().getIdPart()).toList();
		}

		List<String> types() {
			return bundle().getEntry().stream().map(found -> found.getResource().fhirType()).distinct().toList();
		}

		/** What the OperationOutcome says, the way a client would show it. */
		String diagnostics() {
			return FHIR.newJsonParser().parseResource(OperationOutcome.class, body).getIssueFirstRep().getDiagnostics();
		}
	}
}
