package org.openimd.server.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * HL7 MLLP over TCP: each message answered on the same connection with its ACK. Framing is read here
 * ({@link MllpFraming}) rather than by HAPI's server so that the exact bytes of every message,
 * parseable or not, reach the raw-message store.
 */
class MllpServer implements SmartLifecycle {

	private static final Logger ourLog = LoggerFactory.getLogger(MllpServer.class);

	private final MllpProperties myProperties;
	private final IngestSvc myIngest;
	private final MllpSockets.ListenerFactory myListenerFactory;
	/** Open connections, and whether each is processing a message (true) or waiting for one. */
	private final Map<Socket, AtomicBoolean> myConnections = new ConcurrentHashMap<>();
	private volatile ServerSocket myServerSocket;
	private ThreadPoolTaskExecutor myWorkers;
	private Thread myAcceptor;

	MllpServer(MllpProperties theProperties, IngestSvc theIngest, MllpSockets.ListenerFactory theListenerFactory) {
		myProperties = theProperties;
		myIngest = theIngest;
		myListenerFactory = theListenerFactory;
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
		myAcceptor = new Thread(this::acceptConnections, "mllp-acceptor");
		myAcceptor.setDaemon(true);
		myAcceptor.start();
		ourLog.info("Listening for HL7 v2 over MLLP{} on {} port {}", myProperties.tls() ? " with TLS" : "",
				myProperties.bindAddress().getHostAddress(), localPort());
	}

	private void acceptConnections() {
		while (!myServerSocket.isClosed()) {
			try {
				Socket connection = myServerSocket.accept();
				myWorkers.execute(() -> serve(connection));
			} catch (IOException e) {
				if (!myServerSocket.isClosed()) {
					ourLog.warn("MLLP accept failed", e);
				}
			}
		}
	}

	private void serve(Socket theConnection) {
		String remote = theConnection.getRemoteSocketAddress().toString();
		AtomicBoolean busy = new AtomicBoolean();
		myConnections.put(theConnection, busy);
		try (Socket connection = theConnection) {
			connection.setSoTimeout((int) myProperties.idleTimeout().toMillis());
			try {
				remote = MllpSockets.describeSender(connection);
			} catch (SSLException e) {
				ourLog.warn("MLLP TLS handshake with {} failed: {}", remote, e.getMessage());
				return;
			}
			InputStream in = new BufferedInputStream(connection.getInputStream());
			OutputStream out = connection.getOutputStream();
			byte[] message;
			while ((message = MllpFraming.read(in, myProperties.maxMessageBytes())) != null) {
				busy.set(true);
				IngestSvc.Outcome outcome = myIngest.receive(message, IngestTransport.MLLP, remote);
				if (outcome.ack().isPresent()) {
					MllpFraming.write(out, outcome.ack().get().getBytes(StandardCharsets.ISO_8859_1));
				}
				busy.set(false);
			}
		} catch (MllpFraming.TruncatedFrameException e) {
			// The sender never got an ACK for it and will send it again; the partial bytes are not a message.
			ourLog.warn("MLLP connection from {} closed in the middle of a message; {} bytes discarded, no ACK sent",
					remote, e.bytesRead());
		} catch (SocketTimeoutException e) {
			ourLog.info("MLLP connection from {} idle for {}; closed", remote, myProperties.idleTimeout());
		} catch (SocketException e) {
			ourLog.info("MLLP connection from {} dropped: {}", remote, e.getMessage());
		} catch (IOException e) {
			ourLog.warn("MLLP connection from {} failed", remote, e);
		} finally {
			myConnections.remove(theConnection);
		}
	}

	@Override
	public void stop() {
		try {
			myServerSocket.close();
		} catch (IOException e) {
			ourLog.debug("Closing the MLLP socket", e);
		}
		// Connections waiting for a message are closed now; those processing one finish and send its ACK.
		myConnections.forEach((connection, busy) -> {
			if (!busy.get()) {
				closeQuietly(connection);
			}
		});
		myWorkers.shutdown();
		myConnections.keySet().forEach(MllpServer::closeQuietly);
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
