package org.openimd.server.ingest;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A sender on a real TCP socket, framing messages as MLLP does. */
final class MllpClient implements AutoCloseable {

	private final Socket mySocket;

	MllpClient(int thePort) throws IOException {
		mySocket = new Socket("localhost", thePort);
		mySocket.setSoTimeout(60_000);
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
