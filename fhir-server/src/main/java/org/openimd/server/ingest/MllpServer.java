package org.openimd.server.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * HL7 MLLP over TCP: each message answered on the same connection with its ACK. Framing is read here
 * ({@link MllpFraming}) rather than by HAPI's server so that the exact bytes of every message,
 * parseable or not, reach the raw-message store.
 *
 * <p>Slow or hostile senders do not starve honest ones: a sender (by address) holds at most
 * {@code connections-per-sender} connections; when every worker is taken, the connection idle longest
 * (not processing a message) is closed to serve the newcomer, and if none is idle the newcomer is
 * refused; a message (and a TLS handshake) must arrive whole within {@code message-timeout} of its
 * first byte, however slowly it trickles.
 */
class MllpServer implements SmartLifecycle {

	private static final Logger ourLog = LoggerFactory.getLogger(MllpServer.class);

	/** What the listener hands each message to, with who sent it: the ACK to answer it with, if any. */
	interface Receiver {
		Optional<String> receive(byte[] theMessage, String theSender);
	}

	/** An open connection: processing a message or waiting for one, since when, and the deadline of what it is receiving. */
	private static final class Connection {
		private final Socket mySocket;
		private final InetAddress mySender;
		private volatile boolean myBusy;
		private volatile long myLastActivity = System.nanoTime();
		private volatile ScheduledFuture<?> myDeadline;
		private volatile boolean myTimedOut;
		private volatile boolean myEvicted;

		private Connection(Socket theSocket) {
			mySocket = theSocket;
			mySender = theSocket.getInetAddress();
		}
	}

	static final String CONNECTIONS_METRIC = "openimd.mllp.connections";
	static final String CUT_OFF_METRIC = "openimd.mllp.connections.cut.off";

	/** Why the listener closed a connection a sender did not close itself. */
	private enum CutOff {
		SENDER_HOLDS_ITS_SHARE,
		ALL_BUSY,
		IDLE_LONGEST,
		MESSAGE_TIMEOUT;

		String tag() {
			return name().toLowerCase(Locale.ROOT).replace('_', '-');
		}
	}

	private final MllpProperties myProperties;
	private final Receiver myReceiver;
	private final Map<CutOff, Counter> myCutOffs = new EnumMap<>(CutOff.class);
	private final MllpSockets.ListenerFactory myListenerFactory;
	private final Set<Connection> myConnections = ConcurrentHashMap.newKeySet();
	private volatile ServerSocket myServerSocket;
	private ThreadPoolTaskExecutor myWorkers;
	private ThreadPoolTaskScheduler myDeadlines;
	private Thread myAcceptor;

	MllpServer(MllpProperties theProperties, Receiver theReceiver, MllpSockets.ListenerFactory theListenerFactory, MeterRegistry theMeters) {
		myProperties = theProperties;
		myReceiver = theReceiver;
		myListenerFactory = theListenerFactory;
		Gauge.builder(CONNECTIONS_METRIC, myConnections, Set::size).description("MLLP connections open").register(theMeters);
		// every reason counted from zero, so that an alert on its increase sees the first one
		for (CutOff reason : CutOff.values()) {
			myCutOffs.put(reason, Counter.builder(CUT_OFF_METRIC).description("MLLP connections the listener closed or refused, by why")
					.tag("reason", reason.tag()).register(theMeters));
		}
	}

	/** The port listened on; useful when configured as 0. */
	int localPort() {
		return myServerSocket.getLocalPort();
	}

	@Override
	public void start() {
		try {
			myServerSocket = myListenerFactory.listen(myProperties.port(), myProperties.bindAddress());
		} catch (IOException e) {
			throw new IllegalStateException("Cannot listen for MLLP on " + myProperties.bindAddress() + " port " + myProperties.port(), e);
		}
		myWorkers = new ThreadPoolTaskExecutor();
		myWorkers.setCorePoolSize(myProperties.connections());
		myWorkers.setMaxPoolSize(myProperties.connections());
		myWorkers.setThreadNamePrefix("mllp-");
		myWorkers.setDaemon(true);
		// Messages in flight finish and are acknowledged before the database closes.
		myWorkers.setWaitForTasksToCompleteOnShutdown(true);
		myWorkers.setAwaitTerminationSeconds(20);
		myWorkers.initialize();
		myDeadlines = new ThreadPoolTaskScheduler();
		myDeadlines.setThreadNamePrefix("mllp-deadlines-");
		myDeadlines.setDaemon(true);
		myDeadlines.setRemoveOnCancelPolicy(true);
		myDeadlines.initialize();
		myAcceptor = new Thread(this::acceptConnections, "mllp-acceptor");
		myAcceptor.setDaemon(true);
		myAcceptor.start();
		ourLog.info("Listening for HL7 v2 over MLLP{} on {} port {}", myProperties.tls() ? " with TLS" : "",
				myProperties.bindAddress().getHostAddress(), localPort());
	}

	private void acceptConnections() {
		while (!myServerSocket.isClosed()) {
			try {
				admit(myServerSocket.accept());
			} catch (IOException e) {
				if (!myServerSocket.isClosed()) {
					ourLog.warn("MLLP accept failed", e);
				}
			}
		}
	}

	/** Serves a new connection, unless its sender already holds its share or every worker is processing a message. */
	private void admit(Socket theSocket) {
		Connection connection = new Connection(theSocket);
		long fromSender = myConnections.stream().filter(open -> open.mySender.equals(connection.mySender)).count();
		if (fromSender >= myProperties.connectionsPerSender()) {
			ourLog.warn("MLLP connection from {} refused: that sender already has {} connections open", theSocket.getRemoteSocketAddress(), fromSender);
			myCutOffs.get(CutOff.SENDER_HOLDS_ITS_SHARE).increment();
			closeQuietly(theSocket);
			return;
		}
		if (myConnections.size() >= myProperties.connections()) {
			Optional<Connection> idlest = myConnections.stream().filter(open -> !open.myBusy)
					.min(Comparator.comparingLong(open -> open.myLastActivity));
			if (idlest.isEmpty()) {
				ourLog.warn("MLLP connection from {} refused: all {} connections are processing messages", theSocket.getRemoteSocketAddress(),
						myProperties.connections());
				myCutOffs.get(CutOff.ALL_BUSY).increment();
				closeQuietly(theSocket);
				return;
			}
			idlest.get().myEvicted = true;
			myCutOffs.get(CutOff.IDLE_LONGEST).increment();
			myConnections.remove(idlest.get());
			closeQuietly(idlest.get().mySocket);
		}
		myConnections.add(connection);
		myWorkers.execute(() -> serve(connection));
	}

	private void serve(Connection theConnection) {
		String remote = theConnection.mySocket.getRemoteSocketAddress().toString();
		try (Socket socket = theConnection.mySocket) {
			socket.setSoTimeout((int) myProperties.idleTimeout().toMillis());
			try {
				startDeadline(theConnection);
				remote = MllpSockets.describeSender(socket);
				theConnection.myDeadline.cancel(false);
			} catch (SSLException e) {
				ourLog.warn("MLLP TLS handshake with {} failed: {}", remote, e.getMessage());
				return;
			}
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			byte[] message;
			while ((message = MllpFraming.read(in, myProperties.maxMessageBytes(), () -> startDeadline(theConnection))) != null) {
				theConnection.myDeadline.cancel(false);
				theConnection.myBusy = true;
				Optional<String> ack = myReceiver.receive(message, remote);
				if (ack.isPresent()) {
					MllpFraming.write(out, ack.get().getBytes(StandardCharsets.ISO_8859_1));
				}
				theConnection.myLastActivity = System.nanoTime();
				theConnection.myBusy = false;
			}
		} catch (MllpFraming.TruncatedFrameException e) {
			// The sender never got an ACK for it and will send it again; the partial bytes are not a message.
			ourLog.warn("MLLP connection from {} closed in the middle of a message; {} bytes discarded, no ACK sent",
					remote, e.bytesRead());
		} catch (SocketTimeoutException e) {
			ourLog.info("MLLP connection from {} idle for {}; closed", remote, myProperties.idleTimeout());
		} catch (SocketException e) {
			if (theConnection.myTimedOut) {
				ourLog.warn("MLLP connection from {} closed: what it began sending was not whole within {}", remote, myProperties.messageTimeout());
			} else if (theConnection.myEvicted) {
				ourLog.info("MLLP connection from {} closed, idle longest, to serve another sender", remote);
			} else {
				ourLog.info("MLLP connection from {} dropped: {}", remote, e.getMessage());
			}
		} catch (IOException e) {
			ourLog.warn("MLLP connection from {} failed", remote, e);
		} finally {
			Optional.ofNullable(theConnection.myDeadline).ifPresent(deadline -> deadline.cancel(false));
			myConnections.remove(theConnection);
		}
	}

	/** What the connection has begun to send (a message, a TLS handshake) must be whole by the message timeout, else it is closed. */
	private void startDeadline(Connection theConnection) {
		// a delay, not a moment: the deadline is elapsed time, whatever the wall clock does meanwhile
		theConnection.myDeadline = myDeadlines.getScheduledExecutor().schedule(() -> {
			theConnection.myTimedOut = true;
			myCutOffs.get(CutOff.MESSAGE_TIMEOUT).increment();
			closeQuietly(theConnection.mySocket);
		}, myProperties.messageTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public void stop() {
		try {
			myServerSocket.close();
		} catch (IOException e) {
			ourLog.debug("Closing the MLLP socket", e);
		}
		// Connections waiting for a message are closed now; those processing one finish and send its ACK.
		myConnections.forEach(connection -> {
			if (!connection.myBusy) {
				closeQuietly(connection.mySocket);
			}
		});
		myWorkers.shutdown();
		myDeadlines.shutdown();
		myConnections.forEach(connection -> closeQuietly(connection.mySocket));
		ourLog.info("MLLP listener stopped");
	}

	private static void closeQuietly(Socket theConnection) {
		try {
			theConnection.close();
		} catch (IOException e) {
			ourLog.debug("Closing an MLLP connection", e);
		}
	}

	@Override
	public boolean isRunning() {
		return myServerSocket != null && !myServerSocket.isClosed();
	}
}
