package org.openimd.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A sender's side of MLLP for tests that talk to a packaged server: one message framed, its ACK unframed. */
public final class MllpExchange {

	private MllpExchange() {}

	/** Sends {@code theMessage} on {@code theSocket} and returns its ACK; an IOException when the connection closes first. */
	public static String exchange(Socket theSocket, String theMessage) throws IOException {
		OutputStream out = theSocket.getOutputStream();
		out.write(0x0B);
		out.write(theMessage.getBytes(StandardCharsets.ISO_8859_1));
		out.write(new byte[] {0x1C, 0x0D});
		out.flush();
		InputStream in = theSocket.getInputStream();
		StringBuilder ack = new StringBuilder();
		for (int b = in.read(); b != 0x1C; b = in.read()) {
			if (b == -1) {
				throw new IOException("connection closed before the ACK");
			}
			if (b != 0x0B) {
				ack.append((char) b);
			}
		}
		return ack.toString();
	}
}
