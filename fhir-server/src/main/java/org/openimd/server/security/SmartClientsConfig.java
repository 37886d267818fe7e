package org.openimd.server.security;

import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The registry of SMART clients and their keys, in OpenIMD's database, whoever issues the tokens: the
 * embedded authorization server authenticates clients against it, and CDS Hooks calls are signed by
 * a registered system client's own key in either mode.
 */
@Configuration(proxyBeanMethods = false)
class SmartClientsConfig {

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(JdbcTemplate theJdbc, AuthProperties theProperties,
			PasswordEncoder thePasswords) {
		JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(theJdbc);
		theProperties.clients().forEach(client -> clients.save(SmartClientRegistry.systemClient(client, theProperties)));
		theProperties.apps().forEach(app -> clients.save(SmartClientRegistry.app(app, theProperties, thePasswords)));
		return clients;
	}

	@Bean
	SmartClientRegistry smartClientRegistry(RegisteredClientRepository theClients, AuthProperties theProperties, PasswordEncoder thePasswords) {
		return new SmartClientRegistry(theClients, theProperties, thePasswords);
	}

	@Bean
	ClientAssertionDecoders clientAssertionDecoders(JdbcTemplate theJdbc, Clock theClock) {
		return new ClientAssertionDecoders(new ClientAssertionReplayCache(theJdbc, theClock),
				theClock);
	}
}
