package org.openimd.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
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

	@Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
	public void declareSecurity(IBaseConformance theCapabilityStatement, ServletRequestDetails theRequest) {
		String issuer = ServletUriComponentsBuilder.fromContextPath(theRequest.getServletRequest()).build().toUriString();
		Extension oauthUris = new Extension(OAUTH_URIS_EXTENSION);
		oauthUris.addExtension("authorize", new UriType(issuer + "/oauth2/authorize"));
		oauthUris.addExtension("token", new UriType(issuer + "/oauth2/token"));
		oauthUris.addExtension("introspect", new UriType(issuer + "/oauth2/introspect"));
		oauthUris.addExtension("revoke", new UriType(issuer + "/oauth2/revoke"));
		CapabilityStatementRestSecurityComponent security = new CapabilityStatementRestSecurityComponent()
				.setCors(true)
				.addService(new CodeableConcept(new Coding(
						"http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")))
				.setDescription("Bearer tokens from OpenIMD's authorization server; see /fhir/.well-known/smart-configuration");
		security.addExtension(oauthUris);
		((CapabilityStatement) theCapabilityStatement).getRestFirstRep().setSecurity(security);
	}
}
