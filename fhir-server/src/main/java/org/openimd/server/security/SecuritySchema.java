package org.openimd.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The security tables in OpenIMD's database, in the column types each database needs: the
 * authorization server's, and OpenIMD's users, keys and launch contexts. A bean, so that what stores
 * data in them can depend on it being there.
 */
public final class SecuritySchema {

	SecuritySchema(DataSource theDataSource, String theJdbcUrl) {
		boolean postgres = theJdbcUrl.startsWith("jdbc:postgresql:");
		String ddl;
		try {
			ddl = new ClassPathResource("org/openimd/server/security/schema.sql").getContentAsString(StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		ddl = ddl.replace("${binary}", postgres ? "text" : "blob").replace("${instant}", postgres ? "timestamptz" : "timestamp");
		new ResourceDatabasePopulator(new ByteArrayResource(ddl.getBytes(StandardCharsets.UTF_8))).execute(theDataSource);
	}
}
