package org.openimd.server.app;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The landing page at {@code /} and the web app under {@code /app/}: static files anyone may fetch,
 * since the app holds no data of its own; everything it shows comes from the FHIR API with the
 * person's token, through the same gate as any other app's requests. The content security policy
 * lets the pages run only this server's scripts and talk only to this server.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(WebAppProperties.class)
class WebAppConfig implements WebMvcConfigurer {

	/** Inline EGM PDFs are shown from blob: URLs the app makes of the Binary it fetched with its token. */
	private static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
			+ "connect-src 'self'; frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

	/** A WebJar's path names its version, so what is under it never changes: browsers keep it a year without asking. */
	@Override
	public void addResourceHandlers(ResourceHandlerRegistry theRegistry) {
		theRegistry.addResourceHandler("/webjars/**").addResourceLocations("classpath:/META-INF/resources/webjars/")
				.setCacheControl(CacheControl.maxAge(365, TimeUnit.DAYS).cachePublic().immutable());
	}

	/** The app is one page: {@code /app/} is its address, and the redirect URI it is registered with. */
	@Override
	public void addViewControllers(ViewControllerRegistry theRegistry) {
		theRegistry.addViewController(WebAppRegistration.REDIRECT_PATH).setViewName("forward:" + WebAppRegistration.REDIRECT_PATH + "index.html");
		theRegistry.addRedirectViewController("/app", WebAppRegistration.REDIRECT_PATH);
	}

	@Bean
	@Order(0)
	SecurityFilterChain webAppFilterChain(HttpSecurity theHttp) throws Exception {
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		theHttp.securityMatcher(new OrRequestMatcher(Stream.of("/", "/index.html", "/app", "/landing.css", "/favicon.svg", "/app/**", "/webjars/**",
						"/docs/**").map(path -> (RequestMatcher) paths.matcher(path)).toList()))
				.authorizeHttpRequests(requests -> requests
						.requestMatchers(paths.matcher(HttpMethod.GET, "/**"), paths.matcher(HttpMethod.HEAD, "/**")).permitAll()
						.anyRequest().denyAll())
				// Static files only, no session and no cookie: nothing for a cross-site request to ride on.
				.csrf(AbstractHttpConfigurer::disable)
				.sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.headers(headers -> headers
						// Framed only by this origin's pages; an EHR on another origin opens the app in a window or tab.
						.frameOptions(frames -> frames.sameOrigin())
						.contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
						// The authorization code arrives in the app's URL: no Referer carries it anywhere.
						.referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
		return theHttp.build();
	}
}
