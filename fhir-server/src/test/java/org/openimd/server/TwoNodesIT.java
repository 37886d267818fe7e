package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes of OpenIMD on one PostgreSQL database and one data directory (its keys), as a load
 * balancer spreads senders and clients over them: a token either node issued is good on the other;
 * 4 senders stream interrogations, two to each node, and one node is killed (SIGKILL) in the middle; its
 * senders go over to the other node with what had no AA, and send it copies of messages the killed node
 * had acknowledged. Every message is stored exactly once.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class TwoNodesIT {

	private static final int SENDERS = 4;
	private static final int MESSAGES_PER_SENDER = 25;
	private static final int ACKNOWLEDGED_BEFORE_THE_KILL = 30;
	private static final int COPIES_SENT = 5;

	@TempDir
	Path myWorkDir;

	@Test
	void nodesShareTokensAndEveryMessageIsStoredOnceWhenOneIsKilledMidStream() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.POSTGRES, "two processes share a PostgreSQL database; H2 is embedded in one");
		int portOne = PackagedServer.freePort();
		int mllpOne = PackagedServer.freePort();
		int portTwo = PackagedServer.freePort();
		int mllpTwo = PackagedServer.freePort();
		// behind a load balancer both nodes are one server to clients, at one address: the audience of every token
		String balanced = "--openimd.fhir.public-base-url=https://localhost:" + portOne + "/fhir";
		PackagedServer one = PackagedServer.start(myWorkDir, portOne, "node-one", List.of("--openimd.mllp.port=" + mllpOne, balanced));
		PackagedServer two = PackagedServer.start(myWorkDir, portTwo, "node-two", List.of("--openimd.mllp.port=" + mllpTwo, balanced));
		try {
			String token = TestClients.accessToken(one.http(), "https://localhost:" + portOne, TestClients.FULL_ACCESS, TestClients.FULL_ACCESS_SCOPES);
			assertThat(two.send(HttpRequest.newBuilder(URI.create("https://localhost:" + portTwo + "/fhir/Patient?_summary=count"))
					.header("Authorization", "Bearer " + token)).statusCode()).as("the first node's token on the second").isEqualTo(200);

			InterrogationStreams streams = new InterrogationStreams("TN", SENDERS, MESSAGES_PER_SENDER);
			List<Thread> senders = new ArrayList<>();
			for (int sender = 0; sender < SENDERS; sender++) {
				senders.add(streams.start(sender, sender < SENDERS / 2 ? mllpOne : mllpTwo));
			}
			while (streams.acknowledged() < ACKNOWLEDGED_BEFORE_THE_KILL && senders.stream().anyMatch(Thread::isAlive)) {
				Thread.sleep(20);
			}
			one.process().destroyForcibly();
			one.process().waitFor();
			for (Thread sender : senders) {
				sender.join();
			}
			List<String> killedNodesMessages = new ArrayList<>(streams.sender(0));
			killedNodesMessages.addAll(streams.sender(1));
			List<String> acknowledgedByTheKilledNode = killedNodesMessages.stream().filter(streams::acknowledged).toList();
			assertThat(acknowledgedByTheKilledNode).as("the first node acknowledged some before it was killed, not all").isNotEmpty()
					.hasSizeLessThan(killedNodesMessages.size());

			InterrogationStreams.sendAgain(streams.all().stream().filter(message -> !streams.acknowledged(message)).toList(), mllpTwo);
			InterrogationStreams.sendAgain(acknowledgedByTheKilledNode.subList(0, Math.min(COPIES_SENT, acknowledgedByTheKilledNode.size())), mllpTwo);

			streams.assertEachStoredOnce(two, portTwo, token);
		} finally {
			one.process().destroyForcibly();
			two.stop();
		}
	}
}
