package org.openimd.server.security;

import javax.sql.DataSource;
import org.openimd.server.DatabaseSchema;

/**
 * The security tables in OpenIMD's database: the authorization server's, and OpenIMD's users, keys,
 * launch contexts and owners of what clients start. A bean, so that what stores data in them can depend
 * on it being there.
 */
public final class SecuritySchema {

	SecuritySchema(DataSource theDataSource, String theJdbcUrl) {
		DatabaseSchema.create(theDataSource, theJdbcUrl, "org/openimd/server/security/schema.sql");
	}
}
