package org.openimd.server.cds;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.hapi.fhir.cdshooks.api.ICdsServiceRegistry;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import ca.uhn.hapi.fhir.cdshooks.module.CdsHooksObjectMapperFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import java.util.Optional;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The CDS Hooks endpoints: discovery ({@code GET /cds-services}) and each service
 * ({@code POST /cds-services/{id}}). JSON in and out goes through HAPI's CDS Hooks mapper, which
 * knows FHIR resources inside the context and prefetch. Every call is audited with the client, the
 * service and the patient in context.
 */
@RestController
@RequestMapping(CdsServicesController.PATH)
public class CdsServicesController {

	public static final String PATH = "/cds-services";

	private final ICdsServiceRegistry myRegistry;
	private final ObjectMapper myJson;
	private final AuditTrail myTrail;

	CdsServicesController(ICdsServiceRegistry theRegistry, FhirContext theFhir, AuditTrail theTrail) {
		myRegistry = theRegistry;
		myJson = new CdsHooksObjectMapperFactory(theFhir).newMapper();
		myTrail = theTrail;
	}

	@GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> services() throws JsonProcessingException {
		return ResponseEntity.ok(myJson.writeValueAsString(myRegistry.getCdsServicesJson()));
	}

	@PostMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<String> call(@PathVariable String id, @RequestBody String theBody, HttpServletRequest theRequest)
			throws JsonProcessingException {
		if (myRegistry.getCdsServicesJson().getServices().stream().noneMatch(service -> service.getId().equals(id))) {
			return error(HttpStatus.NOT_FOUND, "there is no CDS service '" + id + "'");
		}
		JsonNode request;
		try {
			request = myJson.readTree(theBody);
		} catch (JsonProcessingException e) {
			return error(HttpStatus.BAD_REQUEST, "the request is not JSON: " + e.getOriginalMessage());
		}
		Optional<String> patient = Optional.ofNullable(request.path("context").path("patientId").textValue())
				.map(patientId -> "Patient/" + patientId + Optional.ofNullable(request.path("fhirServer").textValue()).map(server -> " at " + server).orElse(""));
		try {
			CdsServiceResponseJson response = myRegistry.callService(id, request);
			myTrail.record(AuditEvents.cdsServiceCalled(id, patient, true, theRequest.getRemoteAddr()));
			return ResponseEntity.ok(myJson.writeValueAsString(response));
		} catch (BaseServerResponseException e) {
			myTrail.record(AuditEvents.cdsServiceCalled(id, patient, false, theRequest.getRemoteAddr()));
			return error(HttpStatus.valueOf(e.getStatusCode()), e.getMessage());
		} catch (DataFormatException e) {
			myTrail.record(AuditEvents.cdsServiceCalled(id, patient, false, theRequest.getRemoteAddr()));
			return error(HttpStatus.BAD_REQUEST, "a FHIR resource in the request is not valid: " + e.getMessage());
		}
	}

	private ResponseEntity<String> error(HttpStatus theStatus, String theMessage) throws JsonProcessingException {
		return ResponseEntity.status(theStatus).contentType(MediaType.APPLICATION_JSON)
				.body(myJson.writeValueAsString(Map.of("error", theMessage)));
	}
}
