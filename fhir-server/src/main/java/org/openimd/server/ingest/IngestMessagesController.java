package org.openimd.server.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.openimd.terminology.OpenImdUris;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The raw-message store, for the people who run ingest: what came in, what was refused and why. */
@RestController
@RequestMapping("/ingest/messages")
class IngestMessagesController {

	private static final int MAX_LIMIT = 500;

	private final IngestMessageStore myStore;
	private final IngestSvc myIngest;

	IngestMessagesController(IngestMessageStore theStore, IngestSvc theIngest) {
		myStore = theStore;
		myIngest = theIngest;
	}

	@GetMapping
	List<IngestedMessage> list(@RequestParam Optional<String> status, @RequestParam Optional<String> controlId,
			@RequestParam(defaultValue = "50") int limit) {
		Optional<IngestStatus> wanted = status.map(value -> {
			try {
				return IngestStatus.valueOf(value.toUpperCase(Locale.ROOT));
			} catch (IllegalArgumentException e) {
				throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "status must be one of received, accepted, rejected, duplicate");
			}
		});
		return myStore.newest(wanted, controlId, Math.max(1, Math.min(limit, MAX_LIMIT)));
	}

	@GetMapping("/{id}")
	IngestedMessage one(@PathVariable long id) {
		return myStore.find(id).orElseThrow(() -> notFound(id));
	}

	@GetMapping("/{id}/raw")
	ResponseEntity<byte[]> raw(@PathVariable long id) {
		byte[] raw = myStore.raw(id).orElseThrow(() -> notFound(id));
		return ResponseEntity.ok().header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE).body(raw);
	}

	/** Runs a message that was not accepted through the pipeline again; an accepted one is done. */
	@PostMapping("/{id}/reprocess")
	Map<String, Object> reprocess(@PathVariable long id) {
		IngestedMessage message = myStore.find(id).orElseThrow(() -> notFound(id));
		if (message.status() == IngestStatus.ACCEPTED || message.status() == IngestStatus.DUPLICATE) {
			throw new ResponseStatusException(HttpStatus.CONFLICT, "message " + id + " is " + message.status().name().toLowerCase(Locale.ROOT)
					+ "; its data is already stored");
		}
		IngestSvc.Outcome outcome = myIngest.reprocess(id).orElseThrow(() -> notFound(id));
		return Map.of("message", myStore.find(id).orElseThrow(), "ack", outcome.ack().orElse(""));
	}

	private static ResponseStatusException notFound(long theId) {
		return new ResponseStatusException(HttpStatus.NOT_FOUND, "no message " + theId);
	}
}
