package org.openimd.server.ingest;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** HL7 MLLP framing: {@code <VT> message <FS><CR>}, the same for messages and their ACKs, in both directions. */
final class MllpFraming {

	static final int START_BLOCK = 0x0B;
	static final int END_BLOCK = 0x1C;
	static final int CARRIAGE_RETURN = 0x0D;

	/** The stream ended inside a frame: what was read is not a message. */
	static final class TruncatedFrameException extends EOFException {
		private final int myBytesRead;

		TruncatedFrameException(int theBytesRead) {
			super("stream closed after " + theBytesRead + " bytes of a message");
			myBytesRead = theBytesRead;
		}

		int bytesRead() {
			return myBytesRead;
		}
	}

	private MllpFraming() {}

	static void write(OutputStream theOut, byte[] theMessage) throws IOException {
		theOut.write(START_BLOCK);
		theOut.write(theMessage);
		theOut.write(END_BLOCK);
		theOut.write(CARRIAGE_RETURN);
		theOut.flush();
	}

	/** The next frame's content, or null when the stream ends between frames. Bytes between frames are skipped. */
	static byte[] read(InputStream theIn, int theMaxBytes) throws IOException {
		return read(theIn, theMaxBytes, () -> {});
	}

	/** The same, telling {@code theFrameStarted} when a frame's start block has arrived. */
	static byte[] read(InputStream theIn, int theMaxBytes, Runnable theFrameStarted) throws IOException {
		int b;
		while ((b = theIn.read()) != START_BLOCK) {
			if (b == -1) {
				return null;
			}
		}
		theFrameStarted.run();
		ByteArrayOutputStream message = new ByteArrayOutputStream(8192);
		while (true) {
			b = theIn.read();
			if (b == -1) {
				throw new TruncatedFrameException(message.size());
			}
			if (b == END_BLOCK) {
				int next = theIn.read();
				if (next == CARRIAGE_RETURN || next == -1) {
					return message.toByteArray();
				}
				message.write(b);
				b = next;
			}
			if (message.size() >= theMaxBytes) {
				throw new IOException("message larger than " + theMaxBytes + " bytes");
			}
			message.write(b);
		}
	}
}
