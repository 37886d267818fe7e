package org.openimd.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import javax.sql.DataSource;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * OpenIMD's own tables beside HAPI's, created when missing from a script on the class path, in the
 * column types each database needs: {@code ${binary}} and {@code ${instant}} stand for them.
 */
public final class DatabaseSchema {

	private DatabaseSchema() {}

	public static void create(DataSource theDataSource, String theJdbcUrl, String theScript) {
		boolean postgres = theJdbcUrl.startsWith("jdbc:postgresql:");
		String ddl;
		try {
			ddl = new ClassPathResource(theScript).getContentAsString(StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		ddl = ddl.replace("${binary}", postgres ? "text" : "blob").replace("${instant}", postgres ? "timestamptz" : "timestamp");
		new ResourceDatabasePopulator(new ByteArrayResource(ddl.getBytes(StandardCharsets.UTF_8))).execute(theDataSource);
	}
}
