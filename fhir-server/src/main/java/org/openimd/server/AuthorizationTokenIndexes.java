package org.openimd.server;

import java.sql.Statement;
import java.util.List;
import org.flywaydb.core.api.migration.Context;

/**
 * Indexes the authorization server's look-ups by token value: every request to the API finds its
 * access token's record this way, and without an index that read scans every grant on record. Hash
 * indexes, since the values (signed tokens) can outgrow a B-tree entry and are only ever compared
 * whole. PostgreSQL only: H2, for development and tests, cannot index its {@code blob} columns.
 */
final class AuthorizationTokenIndexes extends NamedJavaMigration {

	private static final List<String> LOOKED_UP_BY = List.of("state", "authorization_code_value", "access_token_value", "refresh_token_value");

	AuthorizationTokenIndexes() {
		super("1.7", "authorization token indexes");
	}

	@Override
	public void migrate(Context theContext) throws Exception {
		if (!"PostgreSQL".equals(theContext.getConnection().getMetaData().getDatabaseProductName())) {
			return;
		}
		try (Statement statement = theContext.getConnection().createStatement()) {
			for (String column : LOOKED_UP_BY) {
				statement.execute("CREATE INDEX IF NOT EXISTS oauth2_authorization_by_" + column + " ON oauth2_authorization USING hash (" + column + ")");
			}
		}
	}
}
