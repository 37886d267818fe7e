package org.openimd.server.ingest;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A sender's return route, as an HL7 interface engine would run it: an MLLP listener that takes
 * application ACKs and confirms each with a CA. One per test JVM, started on first use.
 */
public final class ReturnRouteReceiver {

	/** The sending application (MSH-3) whose application ACKs are routed here. */
	public static final String SENDING_APPLICATION = "IT-RETURN-ROUTE";

	/** A sending application whose return route is down: nothing listens at its port. */
	public static final String UNREACHABLE_APPLICATION = "IT-UNREACHABLE-ROUTE";

	private static ReturnRouteReceiver ourShared;

	private final ServerSocket myServerSocket;
	private final BlockingQueue<String> myReceived = new LinkedBlockingQueue<>();

	private ReturnRouteReceiver() throws IOException {
		myServerSocket = new ServerSocket(0);
		Thread acceptor = new Thread(this::serve, "return-route");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	public static synchronized ReturnRouteReceiver shared() {
		if (ourShared == null) {
			try {
				ourShared = new ReturnRouteReceiver();
			} catch (IOException e) {
				throw new IllegalStateException("cannot listen for application ACKs", e);
			}
		}
		return ourShared;
	}

	/** A port nothing listens on: taken from the system and given back at once. */
	public static int closedPort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		} catch (IOException e) {
			throw new IllegalStateException(e);
		}
	}

	public int port() {
		return myServerSocket.getLocalPort();
	}

	/** The next application ACK that mentions {@code theText} (e.g. a control ID), waiting at most {@code theTimeout}. */
	String next(String theText, Duration theTimeout) throws InterruptedException {
		long deadline = System.nanoTime() + theTimeout.toNanos();
		while (System.nanoTime() < deadline) {
			String ack = myReceived.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
			if (ack != null && ack.contains(theText)) {
				return ack;
			}
		}
		return null;
	}

	private void serve() {
		while (!myServerSocket.isClosed()) {
			try (Socket connection = myServerSocket.accept()) {
				byte[] ack = MllpFraming.read(connection.getInputStream(), Integer.MAX_VALUE);
				if (ack != null) {
					String text = new String(ack, StandardCharsets.ISO_8859_1);
					myReceived.add(text);
					String controlId = text.split("\r")[0].split("\\|")[9];
					MllpFraming.write(connection.getOutputStream(),
							("MSH|^~\\&|IT|IT|OPENIMD|OPENIMD|20260101000000||ACK^R01^ACK|C" + controlId + "|P|2.6\rMSA|CA|" + controlId + "\r")
									.getBytes(StandardCharsets.ISO_8859_1));
				}
			} catch (IOException e) {
				// A connection that failed is the sender's to retry; keep listening.
			}
		}
	}
}
