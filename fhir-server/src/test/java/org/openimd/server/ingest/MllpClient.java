package org.openimd.server.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
		OutputStream out = mySocket.getOutputStream();
		out.write(MllpServer.START_BLOCK);
		out.write(theMessage);
		out.write(MllpServer.END_BLOCK);
		out.write(MllpServer.CARRIAGE_RETURN);
		out.flush();
		return readAck();
	}

	/** Writes raw bytes, with no framing added: for senders that break off. */
	void writeRaw(byte[] theBytes) throws IOException {
		mySocket.getOutputStream().write(theBytes);
		mySocket.getOutputStream().flush();
	}

	private String readAck() throws IOException {
		InputStream in = mySocket.getInputStream();
		int b = in.read();
		if (b != MllpServer.START_BLOCK) {
			throw new IOException("expected a start block, got " + b);
		}
		ByteArrayOutputStream ack = new ByteArrayOutputStream();
		while ((b = in.read()) != MllpServer.END_BLOCK) {
			if (b == -1) {
				throw new IOException("connection closed inside an ACK");
			}
			ack.write(b);
		}
		in.read();
		return ack.toString(StandardCharsets.ISO_8859_1);
	}

	@Override
	public void close() throws IOException {
		mySocket.close();
	}
}
