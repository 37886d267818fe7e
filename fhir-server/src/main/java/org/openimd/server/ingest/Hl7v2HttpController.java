package org.openimd.server.ingest;

import jakarta.servlet.http.HttpServletRequest;
import org.openimd.terminology.OpenImdUris;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * HL7 v2 over HTTP: {@code POST /hl7v2} with the ER7 message as the body; the answer is its ACK.
 * The HTTP status is 200 whenever there is an ACK, whatever it says, as with MLLP; 204 when the
 * sender asked for no acknowledgement.
 */
@RestController
class Hl7v2HttpController {

	private final IngestSvc myIngest;

	Hl7v2HttpController(IngestSvc theIngest) {
		myIngest = theIngest;
	}

	@PostMapping(path = "/hl7v2", consumes = {OpenImdUris.HL7V2_ER7_MEDIA_TYPE, "application/hl7-v2", "text/plain"})
	ResponseEntity<byte[]> receive(@RequestBody byte[] theMessage, HttpServletRequest theRequest) {
		IngestSvc.Outcome outcome = myIngest.receive(theMessage, IngestTransport.HTTP, theRequest.getRemoteAddr());
		return outcome.ack()
				.map(ack -> ResponseEntity.ok()
						.header("Content-Type", OpenImdUris.HL7V2_ER7_MEDIA_TYPE)
						.body(ack.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)))
				.orElseGet(() -> ResponseEntity.noContent().build());
	}
}
