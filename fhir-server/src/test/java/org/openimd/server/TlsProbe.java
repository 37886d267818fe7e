package org.openimd.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * Offers a server a TLS ClientHello of a chosen protocol version, written byte by byte as RFC 5246
 * lays it out, and reports what kind of record comes back. The JDK cannot do this itself: its own
 * client refuses to speak TLS 1.0 or 1.1 at all, which would make a test of the server prove nothing.
 */
final class TlsProbe {

	static final int TLS_1_1 = 0x0302;
	static final int TLS_1_2 = 0x0303;
	/** A handshake record: the server answered with its ServerHello. */
	static final int HANDSHAKE = 0x16;
	/** An alert record: the server refused. */
	static final int ALERT = 0x15;
	/** The server closed the connection without a word. */
	static final int CLOSED = -1;

	private TlsProbe() {}

	/** The content type of the first record the server on localhost:{@code thePort} answers with. */
	static int firstRecordTypeAnswering(int thePort, int theVersion) throws IOException {
		try (Socket socket = new Socket("localhost", thePort)) {
			socket.setSoTimeout(10_000);
			socket.getOutputStream().write(clientHello(theVersion));
			socket.getOutputStream().flush();
			InputStream in = socket.getInputStream();
			return in.read();
		}
	}

	private static byte[] clientHello(int theVersion) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		writeShort(body, theVersion);
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		body.writeBytes(random);
		body.write(0); // no session to resume
		// ECDHE with ECDSA or RSA, AES-GCM (TLS 1.2) and AES-CBC (TLS 1.0/1.1)
		writeVector16(body, shorts(0xC02B, 0xC02F, 0xC009, 0xC013));
		writeVector8(body, new byte[] {0}); // no compression

		ByteArrayOutputStream extensions = new ByteArrayOutputStream();
		byte[] host = "localhost".getBytes(StandardCharsets.US_ASCII);
		ByteArrayOutputStream serverName = new ByteArrayOutputStream();
		serverName.write(0);
		writeVector16(serverName, host);
		extension(extensions, 0x0000, vector16(serverName.toByteArray()));
		extension(extensions, 0x000A, vector16(shorts(0x0017, 0x0018))); // secp256r1, secp384r1
		extension(extensions, 0x000B, new byte[] {1, 0}); // uncompressed points
		extension(extensions, 0x000D, vector16(shorts(0x0403, 0x0804, 0x0401))); // ECDSA, RSA-PSS, RSA with SHA-256
		extension(extensions, 0xFF01, new byte[] {0}); // secure renegotiation, nothing to renegotiate
		writeVector16(body, extensions.toByteArray());

		ByteArrayOutputStream handshake = new ByteArrayOutputStream();
		handshake.write(1); // ClientHello
		writeLength24(handshake, body.size());
		handshake.writeBytes(body.toByteArray());

		ByteArrayOutputStream record = new ByteArrayOutputStream();
		record.write(HANDSHAKE);
		writeShort(record, 0x0301); // record-layer version: TLS 1.0, as clients send for compatibility
		writeVector16(record, handshake.toByteArray());
		return record.toByteArray();
	}

	private static void extension(ByteArrayOutputStream theOut, int theType, byte[] theData) {
		writeShort(theOut, theType);
		writeVector16(theOut, theData);
	}

	private static byte[] shorts(int... theValues) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (int value : theValues) {
			writeShort(out, value);
		}
		return out.toByteArray();
	}

	private static byte[] vector16(byte[] theData) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		writeVector16(out, theData);
		return out.toByteArray();
	}

	private static void writeVector8(ByteArrayOutputStream theOut, byte[] theData) {
		theOut.write(theData.length);
		theOut.writeBytes(theData);
	}

	private static void writeVector16(ByteArrayOutputStream theOut, byte[] theData) {
		writeShort(theOut, theData.length);
		theOut.writeBytes(theData);
	}

	private static void writeShort(ByteArrayOutputStream theOut, int theValue) {
		theOut.write(theValue >>> 8);
		theOut.write(theValue & 0xFF);
	}

	private static void writeLength24(ByteArrayOutputStream theOut, int theLength) {
		theOut.write(theLength >>> 16);
		writeShort(theOut, theLength & 0xFFFF);
	}
}
