package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server killed (SIGKILL) while 4 senders stream interrogations over MLLP, then started again on
 * the same storage: every message that was acknowledged AA is stored exactly once; every other one,
 * sent again as a sender would, is acknowledged AA and stored exactly once (stored now, or recognised
 * as the copy of one that was committed before the kill); and the raw store holds each exactly once
 * as accepted, naming the report that holds its data.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class CrashSafetyIT {

	private static final int SENDERS = 4;
	private static final int MESSAGES_PER_SENDER = 30;
	private static final int ACKNOWLEDGED_BEFORE_THE_KILL = 30;

	@TempDir
	Path myWorkDir;

	@Test
	void afterAKillEveryAcknowledgedMessageIsStoredOnceAndEveryOtherOnceWhenSentAgain() throws Exception {
		int port = PackagedServer.freePort();
		int mllpPort = PackagedServer.freePort();
		InterrogationStreams streams = new InterrogationStreams("CS", SENDERS, MESSAGES_PER_SENDER);

		PackagedServer first = PackagedServer.start(myWorkDir, port, "killed", List.of("--openimd.mllp.port=" + mllpPort));
		List<Thread> senders = new ArrayList<>();
		for (int sender = 0; sender < SENDERS; sender++) {
			senders.add(streams.start(sender, mllpPort));
		}
		while (streams.acknowledged() < ACKNOWLEDGED_BEFORE_THE_KILL && senders.stream().anyMatch(Thread::isAlive)) {
			Thread.sleep(20);
		}
		first.process().destroyForcibly();
		first.process().waitFor();
		for (Thread sender : senders) {
			sender.join();
		}
		assertThat(streams.acknowledged()).as("killed in the middle of the stream").isBetween(ACKNOWLEDGED_BEFORE_THE_KILL,
				SENDERS * MESSAGES_PER_SENDER - 1);

		PackagedServer second = PackagedServer.start(myWorkDir, port, "restarted", List.of("--openimd.mllp.port=" + mllpPort));
		try {
			// each sender sends again what it has no AA for
			InterrogationStreams.sendAgain(streams.all().stream().filter(message -> !streams.acknowledged(message)).toList(), mllpPort);

			String token = TestClients.accessToken(second.http(), "https://localhost:" + port, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			streams.assertEachStoredOnce(second, port, token);
		} finally {
			second.stop();
		}
	}
}
