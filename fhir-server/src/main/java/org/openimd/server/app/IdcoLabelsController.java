package org.openimd.server.app;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openimd.terminology.EcgLead;
import org.openimd.terminology.IdcoTermTable;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The readable label of every IDCO term and ECG lead by its code (both in {@code
 * urn:iso:std:iso:11073:10101}), for the web app to name measurements with: public terminology like
 * the static files beside it, so every role's pages label what they show, a reviewer's de-identified
 * copies too, without reading the CodeSystem through the API.
 */
@RestController
class IdcoLabelsController {

	static final String PATH = "/app/idco-labels.json";

	private final Map<String, String> myLabels = new LinkedHashMap<>();

	IdcoLabelsController(IdcoTermTable theTerms) {
		theTerms.terms().forEach(term -> myLabels.putIfAbsent(term.code(), term.label()));
		// Surface ECG leads share the code system: a de-identified copy names its leads by code alone.
		Arrays.stream(EcgLead.values()).forEach(lead -> myLabels.putIfAbsent(lead.code(), lead.label()));
	}

	@GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<Map<String, String>> labels() {
		return ResponseEntity.ok().cacheControl(CacheControl.maxAge(1, TimeUnit.HOURS)).body(myLabels);
	}
}
