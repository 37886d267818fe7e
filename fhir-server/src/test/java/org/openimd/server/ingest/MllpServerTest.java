package org.openimd.server.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Slow and hostile senders on real sockets against the MLLP listener (plain TCP, the message handed to
 * a receiver that answers AA), each beside an honest sender who must still be served. Hostile senders
 * connect from other loopback addresses (127.0.0.2 …), so that they count as other senders.
 */
class MllpServerTest {

	private static final byte[] MESSAGE = "MSH|^~\\&|HONEST|||||20261205||ORU^R01|1|P|2.6\r".getBytes(StandardCharsets.ISO_8859_1);
	private static final String ACK = "MSH|^~\\&|OPENIMD\rMSA|AA|1\r";

	private final List<Socket> mySockets = new ArrayList<>();
	private final MeterRegistry myMeters = new SimpleMeterRegistry();
	private MllpServer myServer;

	@AfterEach
	void closeEverything() throws IOException {
		for (Socket socket : mySockets) {
			socket.close();
		}
		if (myServer != null) {
			myServer.stop();
		}
	}

	@Test
	void aSenderTricklingAMessageByteByByteIsCutOffAtTheMessageTimeoutWhileOthersAreServed() throws Exception {
		start(2, 2, Duration.ofSeconds(1), 1 << 20, (message, sender) -> Optional.of(ACK));
		Socket slow = connect("127.0.0.2");
		slow.getOutputStream().write(MllpFraming.START_BLOCK);

		assertThat(honestExchange()).isEqualTo(ACK);
		// each byte well within the idle timeout, yet the message never whole
		assertThat(trickleUntilClosed(slow, Duration.ofMillis(200), Duration.ofSeconds(20))).as("closed by the message timeout").isTrue();
		assertThat(cutOff("message-timeout")).isEqualTo(1);
		assertThat(honestExchange()).isEqualTo(ACK);
	}

	@Test
	void aNeverEndingFrameIsCutOffAtTheLargestMessage() throws Exception {
		start(2, 2, Duration.ofMinutes(1), 1024, (message, sender) -> Optional.of(ACK));
		Socket endless = connect("127.0.0.2");
		endless.getOutputStream().write(MllpFraming.START_BLOCK);
		boolean closed = false;
		try {
			for (int kilobyte = 0; kilobyte < 1024; kilobyte++) {
				endless.getOutputStream().write(new byte[1024]);
			}
		} catch (SocketException refused) {
			closed = true;
		}
		assertThat(closed || endless.getInputStream().read() == -1).as("closed after 1 KiB, not after 1 MiB").isTrue();
		assertThat(honestExchange()).isEqualTo(ACK);
	}

	@Test
	void thousandsOfIdleConnectionsGiveWayToASenderWithAMessage() throws Exception {
		int idle = 2_000;
		// both ends of every connection are in this process
		assumeTrue(!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix)
				|| unix.getMaxFileDescriptorCount() > 2L * idle + 1_000, "the process may open too few files for " + idle + " connections");
		start(4, 2, Duration.ofMinutes(10), 1 << 20, (message, sender) -> Optional.of(ACK));
		for (int index = 0; index < idle; index++) {
			connect("127.0.%d.%d".formatted(1 + index / 200, 2 + index % 200));
		}
		// with a 10-minute idle timeout and only 4 workers, an honest sender would wait for minutes were the idle not closed for it
		assertThat(honestExchange()).isEqualTo(ACK);
		assertThat(honestExchange()).isEqualTo(ACK);
		assertThat(cutOff("idle-longest")).isGreaterThanOrEqualTo(2);
	}

	@Test
	void oneSenderHoldsAtMostItsShareOfTheConnections() throws Exception {
		start(8, 2, Duration.ofMinutes(10), 1 << 20, (message, sender) -> Optional.of(ACK));
		List<Socket> greedy = new ArrayList<>();
		for (int index = 0; index < 5; index++) {
			greedy.add(connect("127.0.0.2"));
		}
		int refused = 0;
		for (Socket socket : greedy) {
			socket.setSoTimeout(2000);
			try {
				if (socket.getInputStream().read() == -1) {
					refused++;
				}
			} catch (SocketTimeoutException stillOpen) {
				// served: the server waits for its message
			}
		}
		assertThat(refused).as("5 connections from one sender, 2 allowed").isEqualTo(3);
		assertThat(cutOff("sender-holds-its-share")).isEqualTo(3);
		assertThat(honestExchange()).isEqualTo(ACK);
	}

	@Test
	void whenEveryWorkerIsProcessingAMessageANewcomerIsRefusedAndNoMessageIsCutOff() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch processing = new CountDownLatch(2);
		start(2, 2, Duration.ofMinutes(10), 1 << 20, (message, sender) -> {
			processing.countDown();
			try {
				release.await(30, TimeUnit.SECONDS);
			} catch (InterruptedException e) {
				Thread.currentThread().interrupt();
			}
			return Optional.of(ACK);
		});
		List<Socket> busy = List.of(connect("127.0.0.2"), connect("127.0.0.3"));
		for (Socket socket : busy) {
			MllpFraming.write(socket.getOutputStream(), MESSAGE);
		}
		assertThat(processing.await(10, TimeUnit.SECONDS)).isTrue();

		Socket newcomer = connect("127.0.0.4");
		newcomer.setSoTimeout(10_000);
		assertThat(newcomer.getInputStream().read()).as("refused, not queued behind them").isEqualTo(-1);
		assertThat(cutOff("all-busy")).isEqualTo(1);
		assertThat(myMeters.get(MllpServer.CONNECTIONS_METRIC).gauge().value()).isEqualTo(2);

		release.countDown();
		for (Socket socket : busy) {
			assertThat(new String(MllpFraming.read(socket.getInputStream(), 1 << 20), StandardCharsets.ISO_8859_1)).isEqualTo(ACK);
		}
	}

	private void start(int theConnections, int thePerSender, Duration theMessageTimeout, int theMaxBytes, MllpServer.Receiver theReceiver)
			throws IOException {
		MllpProperties properties = new MllpProperties(true, 0, theConnections, thePerSender, Duration.ofMinutes(10), theMessageTimeout, theMaxBytes,
				InetAddress.getLoopbackAddress(), null, MllpProperties.ClientAuth.NONE);
		myServer = new MllpServer(properties, theReceiver, (port, address) -> new ServerSocket(port, 0, address), myMeters);
		myServer.start();
	}

	private double cutOff(String theReason) {
		return myMeters.get(MllpServer.CUT_OFF_METRIC).tag("reason", theReason).counter().count();
	}

	private Socket connect(String theFrom) throws IOException {
		Socket socket = new Socket();
		mySockets.add(socket);
		socket.bind(new InetSocketAddress(theFrom, 0));
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), myServer.localPort()));
		return socket;
	}

	/** An honest sender's exchange: one message, its ACK, within 20 s or not at all. */
	private String honestExchange() throws IOException {
		try (Socket honest = connect("127.0.0.1")) {
			honest.setSoTimeout(20_000);
			MllpFraming.write(honest.getOutputStream(), MESSAGE);
			byte[] ack = MllpFraming.read(honest.getInputStream(), 1 << 20);
			return ack == null ? null : new String(ack, StandardCharsets.ISO_8859_1);
		}
	}

	/** Sends a byte every {@code theGap} until the server closes the connection (true) or {@code theLimit} passes (false). */
	private static boolean trickleUntilClosed(Socket theSocket, Duration theGap, Duration theLimit) throws InterruptedException {
		long end = System.nanoTime() + theLimit.toNanos();
		InputStream in;
		try {
			in = theSocket.getInputStream();
			theSocket.setSoTimeout((int) theGap.toMillis());
		} catch (IOException e) {
			return true;
		}
		while (System.nanoTime() < end) {
			try {
				theSocket.getOutputStream().write('A');
				if (in.read() == -1) {
					return true;
				}
			} catch (SocketTimeoutException stillOpen) {
				continue;
			} catch (IOException closed) {
				return true;
			}
		}
		return false;
	}
}
