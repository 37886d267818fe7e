package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.api.configuration.ClassicConfiguration;
import org.flywaydb.core.api.configuration.Configuration;
import org.flywaydb.core.api.migration.Context;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/** The migration that puts a database's existing review Tasks on the worklist's table finds what the storage hook put there. */
class ReviewWorklistFillIT extends BaseServerIT {

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void theFillFromHapisIndexPutsEveryOpenReviewTaskAsTheStorageHookDid() {
		String patient = stored(new Patient().addIdentifier(uniqueIdentifier()));
		for (Task.TaskStatus status : List.of(Task.TaskStatus.REQUESTED, Task.TaskStatus.INPROGRESS, Task.TaskStatus.COMPLETED)) {
			Task task = new Task().setStatus(status).setIntent(Task.TaskIntent.ORDER).setFor(new Reference("Patient/" + patient))
					.setAuthoredOnElement(new DateTimeType("2026-03-0" + (status.ordinal() % 9 + 1) + "T10:15:30.250Z"));
			task.getCode().addCoding().setSystem(OpenImdUris.REMOTE_MONITORING_SYSTEM).setCode(OpenImdUris.TRANSMISSION_REVIEW);
			task.addExtension(OpenImdUris.TRIAGE_RANK_EXTENSION, new IntegerType(2));
			stored(task);
		}
		Task unranked = new Task().setStatus(Task.TaskStatus.REQUESTED).setIntent(Task.TaskIntent.ORDER).setFor(new Reference("Patient/" + patient));
		unranked.getCode().addCoding().setSystem(OpenImdUris.REMOTE_MONITORING_SYSTEM).setCode(OpenImdUris.TRANSMISSION_REVIEW);
		stored(unranked);
		List<Map<String, Object>> keptByTheHook = rows();
		assertThat(keptByTheHook).filteredOn(row -> row.get("task_id") != null).hasSizeGreaterThanOrEqualTo(3);

		jdbc.update("delete from openimd_review_worklist");
		jdbc.execute((ConnectionCallback<Void>) connection -> {
			new ReviewWorklistFill().migrate(contextOf(connection));
			return null;
		});

		assertThat(rows()).isEqualTo(keptByTheHook);
	}

	private List<Map<String, Object>> rows() {
		return jdbc.queryForList("select task_pid, task_id, status, triage_rank, authored from openimd_review_worklist order by task_pid");
	}

	private static Context contextOf(Connection theConnection) {
		ClassicConfiguration configuration = new ClassicConfiguration();
		return new Context() {
			@Override
			public Configuration getConfiguration() {
				return configuration;
			}

			@Override
			public Connection getConnection() {
				return theConnection;
			}
		};
	}
}
