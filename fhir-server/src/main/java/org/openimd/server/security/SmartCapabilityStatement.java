package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Declares in the CapabilityStatement how the FHIR API is secured ({@code rest.security}): the
 * SMART-on-FHIR service and the OAuth endpoints, as SMART App Launch asks.
 */
@Interceptor
public class SmartCapabilityStatement {

	static final String OAUTH_URIS_EXTENSION = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

	/** SMART's extension names for the endpoints, by the discovery document's keys, in the order SMART lists them. */
	private static final List<Map.Entry<String, String>> OAUTH_URIS = List.of(Map.entry(SmartDiscovery.AUTHORIZATION_ENDPOINT, "authorize"),
			Map.entry(SmartDiscovery.TOKEN_ENDPOINT, "token"), Map.entry(SmartDiscovery.INTROSPECTION_ENDPOINT, "introspect"),
			Map.entry(SmartDiscovery.REVOCATION_ENDPOINT, "revoke"));

	private final SmartDiscovery myDiscovery;

	public SmartCapabilityStatement(SmartDiscovery theDiscovery) {
		myDiscovery = theDiscovery;
	}

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void declareSecurity(IBaseConformance theCapabilityStatement, ServletRequestDetails theRequest) {
		Map<String, Object> discovery = myDiscovery.configuration(
				ServletUriComponentsBuilder.fromContextPath(theRequest.getServletRequest()).build().toUriString());
		Extension oauthUris = new Extension(OAUTH_URIS_EXTENSION);
		for (Map.Entry<String, String> endpoint : OAUTH_URIS) {
			Object url = discovery.get(endpoint.getKey());
			if (url != null) {
				oauthUris.addExtension(endpoint.getValue(), new UriType(url.toString()));
			}
		}
		CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent()
				.setCors(true)
				.addService(new CodeableConcept(new Coding(
						"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")))
				.setDescription("Bearer tokens from the authorization server " + discovery.get("issuer")
						+ "; see /fhir/.well-known/smart-configuration");
		security.addExtension(oauthUris);
		((CapabilityStatement) theCapabilityStatement).getRestFirstRep().setSecurity(security);
	}
}
