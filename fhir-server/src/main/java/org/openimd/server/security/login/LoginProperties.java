package org.openimd.server.security.login;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sign-in of people, under {@code openimd.auth.login}.
 *
 * @param maxFailedAttempts wrong passwords or codes in a row after which the account is locked
 * @param lockout how long it then stays locked
 * @param minPasswordLength the shortest password an account may be given
 */
@ConfigurationProperties("openimd.auth.login")
public record LoginProperties(
		@DefaultValue("5") int maxFailedAttempts,
		@DefaultValue("15m") Duration lockout,
		@DefaultValue("12") int minPasswordLength) {}
