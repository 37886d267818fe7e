package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Two nodes of a cluster on one database (H2, and PostgreSQL when the tests have one), each running
 * the same periodic job: together they run it once a period and never both at once; a scheduled job
 * runs a period after the start, then every period.
 */
class ClusterJobsTest {

	private static final Duration PERIOD = Duration.ofMillis(800);

	static Stream<DriverManagerDataSource> databases() {
		return MigratedDatabases.h2AndPostgres();
	}

	@ParameterizedTest
	@MethodSource("databases")
	void aJobRunsOnOneNodeAPeriodAndAnotherTakesOverOnceThePeriodHasPassed(DriverManagerDataSource theDatabase) throws Exception {
		List<ClusterJobs> nodes = List.of(node(theDatabase), node(theDatabase));
		String job = "job-" + UUID.randomUUID();
		AtomicInteger runs = new AtomicInteger();

		nodes.get(0).runUnlessRunRecently(job, PERIOD, runs::incrementAndGet);
		nodes.get(1).runUnlessRunRecently(job, PERIOD, runs::incrementAndGet);
		nodes.get(0).runUnlessRunRecently(job, PERIOD, runs::incrementAndGet);
		assertThat(runs).as("one run within the period, whichever node asks").hasValue(1);

		Thread.sleep(PERIOD.toMillis() + 200);
		nodes.get(1).runUnlessRunRecently(job, PERIOD, runs::incrementAndGet);
		assertThat(runs).as("the other node runs it once the period has passed").hasValue(2);
	}

	@ParameterizedTest
	@MethodSource("databases")
	void whileOneNodeRunsAJobTheOtherDoesNot(DriverManagerDataSource theDatabase) throws Exception {
		List<ClusterJobs> nodes = List.of(node(theDatabase), node(theDatabase));
		String job = "job-" + UUID.randomUUID();
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		AtomicInteger runs = new AtomicInteger();

		CompletableFuture<Void> first = CompletableFuture.runAsync(() -> nodes.get(0).runUnlessRunRecently(job, Duration.ofMillis(1), () -> {
			runs.incrementAndGet();
			running.countDown();
			await(finish);
		}));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		nodes.get(1).runUnlessRunRecently(job, Duration.ofMillis(1), runs::incrementAndGet);
		assertThat(runs).as("the second node found the job running").hasValue(1);

		finish.countDown();
		first.get(10, TimeUnit.SECONDS);
		Thread.sleep(50);
		nodes.get(1).runUnlessRunRecently(job, Duration.ofMillis(1), runs::incrementAndGet);
		assertThat(runs).as("once the first run ended (and its period passed), the second node runs it").hasValue(2);
	}

	@ParameterizedTest
	@MethodSource("databases")
	void aDeclaredJobFirstRunsOnePeriodAfterItIsScheduledThenEveryPeriod(DriverManagerDataSource theDatabase) {
		AtomicInteger runs = new AtomicInteger();
		ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
		scheduler.initialize();
		try {
			node(theDatabase).schedule(scheduler, new ClusterJob("job-" + UUID.randomUUID(), PERIOD, runs::incrementAndGet));
			assertThat(runs).as("not at once: a starting node has other work").hasValue(0);
			Awaitility.await().atMost(Duration.ofSeconds(10)).untilAtomic(runs, greaterThanOrEqualTo(2));
		} finally {
			scheduler.shutdown();
		}
	}

	private static ClusterJobs node(DriverManagerDataSource theDatabase) {
		return new ClusterJobs(new JdbcTemplate(theDatabase), Clock.systemUTC());
	}

	private static void await(CountDownLatch theLatch) {
		try {
			theLatch.await(10, TimeUnit.SECONDS);
		} catch (InterruptedException e) {
			Thread.currentThread().interrupt();
		}
	}
}
