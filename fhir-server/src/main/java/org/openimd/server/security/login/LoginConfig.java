package org.openimd.server.security.login;

import java.time.Clock;
import org.openimd.server.security.AuthorizationServerMode;
import org.openimd.server.audit.AuditEvents;
import org.openimd.server.audit.AuditTrail;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;

/**
 * The pages people use in a browser while an app asks for access: sign-in (open to anyone, with
 * CSRF protection and a session), and the patient picker and consent page (signed-in people only).
 */
@Configuration(proxyBeanMethods = false)
@AuthorizationServerMode.Embedded
class LoginConfig {

	@Bean
	Totp totp(Clock theClock) {
		return new Totp(theClock);
	}

	@Bean
	UserAccounts userAccounts(JdbcTemplate theJdbc, PasswordEncoder thePasswords, Totp theTotp,
			LoginProperties theProperties, Clock theClock) {
		return new UserAccounts(theJdbc, thePasswords, theTotp, theProperties, theClock);
	}

	@Bean
	SignInThrottle signInThrottle(JdbcTemplate theJdbc, LoginProperties theProperties, Clock theClock) {
		return new SignInThrottle(theJdbc, theProperties, theClock);
	}

	@Bean
	@Order(3)
	SecurityFilterChain loginFilterChain(HttpSecurity theHttp, AuditTrail theAudit) throws Exception {
		PathPatternRequestMatcher.Builder paths = PathPatternRequestMatcher.withDefaults();
		theHttp.securityMatcher(paths.matcher("/auth/**"))
				.authorizeHttpRequests(requests -> requests
						.requestMatchers(paths.matcher(AppAuthorizationPaths.LOGIN), paths.matcher(AppAuthorizationPaths.CODE),
								paths.matcher(AppAuthorizationPaths.SIGNED_IN), paths.matcher(AppAuthorizationPaths.SIGN_OUT),
								paths.matcher(AppAuthorizationPaths.SIGNED_OUT))
						.permitAll()
						.anyRequest()
						.authenticated())
				.exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(new LoginUrlAuthenticationEntryPoint(AppAuthorizationPaths.LOGIN)))
				// Signing out ends the session the authorization server recognises people by; tokens already issued run out as they would.
				.logout(logout -> logout.logoutRequestMatcher(paths.matcher(HttpMethod.POST, AppAuthorizationPaths.SIGN_OUT))
						.addLogoutHandler((request, response, authentication) -> theAudit.record(AuditEvents.signOut(
								authentication == null ? null : authentication.getName(), request.getRemoteAddr())))
						.logoutSuccessUrl(AppAuthorizationPaths.SIGNED_OUT))
				.headers(headers -> headers
						.contentSecurityPolicy(csp -> csp.policyDirectives("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"))
						.referrerPolicy(referrer -> referrer.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)));
		return theHttp.build();
	}
}
