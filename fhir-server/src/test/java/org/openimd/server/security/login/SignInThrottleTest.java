package org.openimd.server.security.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.flywaydb.core.Flyway;
import org.openimd.server.DatabaseSchema;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The throttle per network address on a real (H2) database, as two nodes of a cluster share it: each
 * node refuses an address once the failures both counted reach the limit within the window, and
 * lets it try again once the oldest of them have left the window.
 */
class SignInThrottleTest {

	private static final LoginProperties PROPERTIES = new LoginProperties(5, Duration.ofMinutes(15), 12, 4, Duration.ofMinutes(10));

	/** A clock the test moves. */
	private static final class TestClock extends Clock {
		private Instant myNow = Instant.parse("2026-12-05T10:00:00Z");

		@Override
		public ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(ZoneId theZone) {
			return this;
		}

		@Override
		public Instant instant() {
			return myNow;
		}

		void advance(Duration theDuration) {
			myNow = myNow.plus(theDuration);
		}
	}

	@Test
	void failuresOnEitherNodeCountTowardsOneLimitWithinASlidingWindow() {
		String url = "jdbc:h2:mem:throttle-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
		DriverManagerDataSource database = new DriverManagerDataSource(url, "sa", "");
		DatabaseSchema.configure(Flyway.configure().dataSource(database), url).load().migrate();
		TestClock clock = new TestClock();
		SignInThrottle one = new SignInThrottle(new JdbcTemplate(database), PROPERTIES, clock);
		SignInThrottle other = new SignInThrottle(new JdbcTemplate(database), PROPERTIES, clock);

		one.failed("192.0.2.7");
		other.failed("192.0.2.7");
		clock.advance(Duration.ofMinutes(4));
		one.failed("192.0.2.7");
		assertThat(other.refuses("192.0.2.7")).as("3 of 4").isFalse();
		other.failed("192.0.2.7");
		assertThat(one.refuses("192.0.2.7")).as("4 failures, 2 on each node").isTrue();
		assertThat(other.refuses("192.0.2.7")).isTrue();
		assertThat(one.refuses("198.51.100.1")).as("another address").isFalse();

		clock.advance(Duration.ofMinutes(6));
		assertThat(one.refuses("192.0.2.7")).as("the first two have left the window").isFalse();
		other.failed("192.0.2.7");
		clock.advance(Duration.ofMinutes(5));
		assertThat(one.refuses("192.0.2.7")).as("one failure in the last 10 minutes").isFalse();
		assertThat(new JdbcTemplate(database).queryForObject("select count(*) from openimd_signin_failure", Integer.class))
				.as("what left the window before the last failure is gone").isEqualTo(3);
	}
}
