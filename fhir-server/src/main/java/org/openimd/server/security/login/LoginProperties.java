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
 * @param maxFailuresPerAddress failed sign-in steps from one network address, across all accounts and
 *     all nodes, within the last {@code addressWindow}, from which on that address may not try again
 *     until fewer are. Behind a reverse proxy, let the server see clients' addresses
 *     ({@code server.forward-headers-strategy=native}), or the proxy's one address is throttled for all
 * @param addressWindow that window
 */
@ConfigurationProperties("openimd.auth.login")
public record LoginProperties(
		@DefaultValue("5") int maxFailedAttempts,
		@DefaultValue("15m") Duration lockout,
		@DefaultValue("12") int minPasswordLength,
		@DefaultValue("20") int maxFailuresPerAddress,
		@DefaultValue("10m") Duration addressWindow) {}
