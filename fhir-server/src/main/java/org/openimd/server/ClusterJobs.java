package org.openimd.server;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import net.javacrumbs.shedlock.core.DefaultLockingTaskExecutor;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockingTaskExecutor;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.TaskScheduler;

/**
 * OpenIMD's periodic work (the look for missed transmissions, subscription heartbeats, the purges; each a
 * {@link ClusterJob} its feature declares) done by one node of a cluster at a time. Each run takes a lock
 * row in the shared database (ShedLock) and keeps it for at least one period, so that all nodes together
 * run a job once a period, never twice at once; when the node holding it stops, another takes over at its
 * next tick. The database's clock decides, so the nodes' clocks need not agree.
 */
public final class ClusterJobs {

	/**
	 * How long a run may hold its lock before the other nodes take it for dead (a node killed mid-run
	 * cannot release it). Project decision: far longer than a run over a clinic's schedules takes.
	 */
	static final Duration LONGEST_RUN = Duration.ofMinutes(10);

	private static final String TABLE = "openimd_job_lock";

	private final LockingTaskExecutor myLocks;
	private final Clock myClock;

	public ClusterJobs(JdbcTemplate theJdbc, Clock theClock) {
		myLocks = new DefaultLockingTaskExecutor(new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
				.withJdbcTemplate(theJdbc)
				.withTableName(TABLE)
				.withLockedByValue("node " + UUID.randomUUID())
				.usingDbTime()
				.build()));
		myClock = theClock;
	}

	/** Runs {@code theJob} every period, starting one period from now, on whichever node takes the lock. */
	void schedule(TaskScheduler theScheduler, ClusterJob theJob) {
		theScheduler.scheduleWithFixedDelay(() -> runUnlessRunRecently(theJob.name(), theJob.period(), theJob.work()),
				myClock.instant().plus(theJob.period()), theJob.period());
	}

	/** Runs {@code theWork} unless any node is running it or ran it less than {@code thePeriod} ago. */
	void runUnlessRunRecently(String theJob, Duration thePeriod, Runnable theWork) {
		Duration atMost = thePeriod.compareTo(LONGEST_RUN) > 0 ? thePeriod : LONGEST_RUN;
		myLocks.executeWithLock(theWork, new LockConfiguration(myClock.instant(), theJob, atMost, thePeriod));
	}
}
