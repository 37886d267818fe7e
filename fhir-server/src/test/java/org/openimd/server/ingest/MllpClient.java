package org.openimd.server.ingest;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.openimd.server.TestTls;

/**
 * A sender on a real socket, framing messages as MLLP does: over mutual TLS with the test key, as the
 * test server's listener requires, or as a sender that lacks a certificate or TLS altogether.
 */
final class MllpClient implements AutoCloseable {

	private final Socket mySocket;

	MllpClient(int thePort) throws IOException {
		this(TestTls.clientContext(true).getSocketFactory().createSocket("localhost", thePort));
	}

	private MllpClient(Socket theSocket) throws IOException {
		mySocket = theSocket;
		mySocket.setSoTimeout(60_000);
	}

	/** A TLS sender that trusts the server but presents no certificate of its own. */
	static MllpClient withoutCertificate(int thePort) throws IOException {
		return new MllpClient(TestTls.clientContext(false).getSocketFactory().createSocket("localhost", thePort));
	}

	/** A sender that does not speak TLS. */
	static MllpClient plainTcp(int thePort) throws IOException {
		return new MllpClient(new Socket("localhost", thePort));
	}

	/** Sends one message and waits for its ACK. */
	String send(byte[] theMessage) throws IOException {
		MllpFraming.write(mySocket.getOutputStream(), theMessage);
		byte[] ack = MllpFraming.read(mySocket.getInputStream(), Integer.MAX_VALUE);
		if (ack == null) {
			throw new IOException("connection closed without an ACK");
		}
		return new String(ack, StandardCharsets.ISO_8859_1);
	}

	/** Writes raw bytes, with no framing added: for senders that break off. */
	void writeRaw(byte[] theBytes) throws IOException {
		mySocket.getOutputStream().write(theBytes);
		mySocket.getOutputStream().flush();
	}

	@Override
	public void close() throws IOException {
		mySocket.close();
	}
}
