package org.openimd.server.app;

import java.util.List;
import org.openimd.server.security.ApiScopes;
import org.openimd.server.security.AuthProperties;
import org.openimd.server.security.AuthorizationServerMode;
import org.openimd.server.security.SmartClientRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Registers the web app with the embedded authorization server as the public SMART app
 * {@value #CLIENT_ID}, at every start, once the port is known: PKCE, no secret, a redirect URI under
 * each origin people reach the server by. By default that is the loopback address, not
 * {@code localhost}, which OAuth 2.1 advises against and Spring Authorization Server refuses as a
 * redirect host; the app moves a visitor from {@code localhost} to it. The app may ask for everything a
 * person's role can do; the role and the person's consent decide what it gets.
 */
@Component
@AuthorizationServerMode.Embedded
class WebAppRegistration implements ApplicationListener<WebServerInitializedEvent> {

	static final String CLIENT_ID = "openimd-web-app";
	static final String REDIRECT_PATH = "/app/";
	private static final Logger ourLog = LoggerFactory.getLogger(WebAppRegistration.class);
	private static final List<String> SCOPES = List.of("openid", "fhirUser", "launch", "online_access", "user/*.cruds", "patient/*.cruds",
			ApiScopes.ADMIN);

	private final SmartClientRegistry myClients;
	private final WebAppProperties myProperties;
	private final Environment myEnvironment;

	WebAppRegistration(SmartClientRegistry theClients, WebAppProperties theProperties, Environment theEnvironment) {
		myClients = theClients;
		myProperties = theProperties;
		myEnvironment = theEnvironment;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent theEvent) {
		if (theEvent.getApplicationContext().getParent() != null) {
			return;
		}
		List<String> origins = myProperties.origins().isEmpty() ? List.of(loopbackOrigin(theEvent.getWebServer().getPort())) : myProperties.origins();
		List<String> redirectUris = origins.stream().map(origin -> trimSlash(origin) + REDIRECT_PATH).toList();
		myClients.register(new AuthProperties.App(CLIENT_ID, "OpenIMD", false, null, redirectUris, SCOPES));
		ourLog.info("The web app is registered as {} for {}", CLIENT_ID, redirectUris);
	}

	private String loopbackOrigin(int thePort) {
		boolean tls = myEnvironment.getProperty("server.ssl.enabled", Boolean.class, false);
		return (tls ? "https" : "http") + "://127.0.0.1:" + thePort;
	}

	private static String trimSlash(String theOrigin) {
		return theOrigin.endsWith("/") ? theOrigin.substring(0, theOrigin.length() - 1) : theOrigin;
	}
}
