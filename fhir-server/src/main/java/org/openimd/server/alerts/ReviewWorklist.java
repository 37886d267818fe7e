package org.openimd.server.alerts;

import java.sql.Timestamp;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Task;
import org.hl7.fhir.r4.model.Task.TaskStatus;
import org.openimd.terminology.OpenImdUris;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The open transmission-review Tasks in the worklist's order, in OpenIMD's table beside HAPI's
 * ({@code openimd_review_worklist}): rank, then authored time, then HAPI's key. Writes run on the
 * caller's connection, so inside HAPI's transaction they commit or roll back with the Task.
 */
class ReviewWorklist {

	/** The statuses the worklist shows; a Task in any other leaves the table. */
	static final Set<String> OPEN_STATUSES = Set.of(TaskStatus.REQUESTED.toCode(), TaskStatus.INPROGRESS.toCode());

	private final JdbcTemplate myJdbc;

	ReviewWorklist(JdbcTemplate theJdbc) {
		myJdbc = theJdbc;
	}

	static boolean isReviewTask(Object theResource) {
		return theResource instanceof Task task && task.getCode().hasCoding(OpenImdUris.REMOTE_MONITORING_SYSTEM, OpenImdUris.TRANSMISSION_REVIEW);
	}

	/** Puts a stored review Task in the table, or takes it out when it is no longer open. */
	void stored(Task theTask, long theResourcePid) {
		String taskId = theTask.getIdElement().getIdPart();
		// Outside HAPI's transaction the row could outlive a rolled-back Task.
		if (!TransactionSynchronizationManager.hasResource(myJdbc.getDataSource())) {
			throw new IllegalStateException("Task " + taskId + " put on the worklist outside the transaction that stores it");
		}
		removed(taskId);
		if (theTask.getStatus() == null || !OPEN_STATUSES.contains(theTask.getStatus().toCode())) {
			return;
		}
		Integer rank = Optional.ofNullable(theTask.getExtensionByUrl(OpenImdUris.TRIAGE_RANK_EXTENSION))
				.map(extension -> extension.getValue() instanceof IntegerType integer ? integer.getValue() : null).orElse(null);
		Timestamp authored = theTask.hasAuthoredOn() ? new Timestamp(theTask.getAuthoredOn().getTime()) : null;
		myJdbc.update("insert into openimd_review_worklist (task_pid, task_id, status, triage_rank, authored) values (?, ?, ?, ?, ?)",
				theResourcePid, taskId, theTask.getStatus().toCode(), rank, authored);
	}

	void removed(String theTaskId) {
		myJdbc.update("delete from openimd_review_worklist where task_id = ?", theTaskId);
	}

	/** HAPI's keys of the first open review Tasks with one of these statuses, in the worklist's order. */
	List<Long> firstResourcePids(Collection<String> theStatuses, int theLimit) {
		String anyStatus = theStatuses.stream().map(status -> "?").collect(Collectors.joining(", "));
		Object[] arguments = new Object[theStatuses.size() + 1];
		int next = 0;
		for (String status : theStatuses) {
			arguments[next++] = status;
		}
		arguments[next] = theLimit;
		return myJdbc.queryForList("select task_pid from openimd_review_worklist where status in (" + anyStatus + ")"
				+ " order by triage_rank nulls last, authored nulls last, task_pid limit ?", Long.class, arguments);
	}
}
