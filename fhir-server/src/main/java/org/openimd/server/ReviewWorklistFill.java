package org.openimd.server;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.flywaydb.core.api.migration.Context;
import org.openimd.terminology.OpenImdUris;

/**
 * Puts the review Tasks a database already holds on the triage worklist's table (made by the script
 * before this one), from HAPI's search index of them: what the worklist's storage hook does for
 * every Task stored from now on. A database without HAPI's tables yet holds no Task.
 */
final class ReviewWorklistFill extends NamedJavaMigration {

	// HAPI (without its optional "index storage optimized" mode, which OpenIMD leaves off) keeps each
	// index row's parameter name beside its hash. Each Task's values are looked up through the index
	// rows' RES_ID: joined instead, PostgreSQL misjudged the rows and took minutes at 56,000 Tasks.
	private static final String FILL = "insert into openimd_review_worklist (task_pid, task_id, status, triage_rank, authored)"
			+ " select task_pid, task_id, status, triage_rank, authored from (select resource.RES_ID task_pid, resource.FHIR_ID task_id,"
			+ " (select min(status.SP_VALUE) from HFJ_SPIDX_TOKEN status where status.RES_ID = resource.RES_ID and status.SP_NAME = 'status') status,"
			+ " (select min(cast(rank.SP_VALUE as integer)) from HFJ_SPIDX_NUMBER rank"
			+ "   where rank.RES_ID = resource.RES_ID and rank.SP_NAME = 'triage-rank') triage_rank,"
			+ " (select min(authored.SP_VALUE_LOW) from HFJ_SPIDX_DATE authored"
			+ "   where authored.RES_ID = resource.RES_ID and authored.SP_NAME = 'authored-on') authored"
			+ " from HFJ_RESOURCE resource where resource.RES_TYPE = 'Task' and resource.RES_DELETED_AT is null"
			+ " and exists (select 1 from HFJ_SPIDX_TOKEN code"
			+ "   where code.RES_ID = resource.RES_ID and code.SP_NAME = 'code' and code.SP_SYSTEM = ? and code.SP_VALUE = ?)) tasks"
			+ " where status in ('requested', 'in-progress')";

	ReviewWorklistFill() {
		super("1.9", "review worklist fill");
	}

	@Override
	public void migrate(Context theContext) throws SQLException {
		Connection connection = theContext.getConnection();
		if (!hasTable(connection, "HFJ_SPIDX_TOKEN")) {
			return;
		}
		try (PreparedStatement fill = connection.prepareStatement(FILL)) {
			fill.setString(1, OpenImdUris.REMOTE_MONITORING_SYSTEM);
			fill.setString(2, OpenImdUris.TRANSMISSION_REVIEW);
			fill.executeUpdate();
		}
	}

	private static boolean hasTable(Connection theConnection, String theName) throws SQLException {
		// PostgreSQL keeps unquoted names in lower case, H2 in upper case.
		for (String name : new String[] {theName, theName.toLowerCase()}) {
			try (ResultSet tables = theConnection.getMetaData().getTables(null, null, name, new String[] {"TABLE"})) {
				if (tables.next()) {
					return true;
				}
			}
		}
		return false;
	}
}
