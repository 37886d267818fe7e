package org.openimd.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** {@code GET /fhir/.well-known/smart-configuration}: the SMART App Launch discovery document. */
class SmartConfigurationServlet extends HttpServlet {

	private static final Logger ourLog = LoggerFactory.getLogger(SmartConfigurationServlet.class);
	private static final ObjectMapper JSON = new ObjectMapper();

	private final transient SmartDiscovery myDiscovery;

	SmartConfigurationServlet(SmartDiscovery theDiscovery) {
		myDiscovery = theDiscovery;
	}

	@Override
	protected void doGet(HttpServletRequest theRequest, HttpServletResponse theResponse) throws IOException {
		Map<String, Object> configuration;
		try {
			configuration = myDiscovery.configuration(ServletUriComponentsBuilder.fromContextPath(theRequest).build().toUriString());
		} catch (IllegalStateException e) {
			ourLog.warn("SMART discovery unavailable: {}", e.getMessage());
			theResponse.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the authorization server's metadata cannot be read now");
			return;
		}
		theResponse.setContentType("application/json");
		JSON.writeValue(theResponse.getOutputStream(), configuration);
	}
}
