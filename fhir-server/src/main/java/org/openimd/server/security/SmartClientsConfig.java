package org.openimd.server.security;

import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
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
	SecuritySchema securitySchema(DataSource theDataSource, DataSourceProperties theDataSourceProperties) {
		return new SecuritySchema(theDataSource, theDataSourceProperties.determineUrl());
	}

	@Bean
	PasswordEncoder passwordEncoder() {
		return PasswordEncoderFactories.createDelegatingPasswordEncoder();
	}

	@Bean
	RegisteredClientRepository registeredClientRepository(DataSource theDataSource, SecuritySchema theSchema, AuthProperties theProperties,
			PasswordEncoder thePasswords) {
		JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(new JdbcTemplate(theDataSource));
		theProperties.clients().forEach(client -> clients.save(SmartClientRegistry.systemClient(client, theProperties)));
		theProperties.apps().forEach(app -> clients.save(SmartClientRegistry.app(app, theProperties, thePasswords)));
		return clients;
	}

	@Bean
	SmartClientRegistry smartClientRegistry(RegisteredClientRepository theClients, AuthProperties theProperties, PasswordEncoder thePasswords) {
		return new SmartClientRegistry(theClients, theProperties, thePasswords);
	}

	@Bean
	ClientAssertionDecoders clientAssertionDecoders(DataSource theDataSource, SecuritySchema theSchema, Clock theClock) {
		return new ClientAssertionDecoders(new ClientAssertionReplayCache(new JdbcTemplate(theDataSource), theClock),
				theClock);
	}
}
