package org.openimd.server.security.login;

import io.nayuki.qrcodegen.QrCode;

/** An {@code otpauth://} enrolment URI as a QR code that authenticator apps scan, drawn as SVG. */
final class EnrolmentQrCode {

	/** The quiet zone QR readers need around the code, in modules (ISO/IEC 18004 asks for 4). */
	private static final int BORDER = 4;

	private EnrolmentQrCode() {}

	static String svg(String theUri) {
		QrCode code = QrCode.encodeText(theUri, QrCode.Ecc.MEDIUM);
		int size = code.size + 2 * BORDER;
		StringBuilder modules = new StringBuilder();
		for (int y = 0; y < code.size; y++) {
			for (int x = 0; x < code.size; x++) {
				if (code.getModule(x, y)) {
					modules.append('M').append(x + BORDER).append(',').append(y + BORDER).append("h1v1h-1z");
				}
			}
		}
		return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\" shape-rendering=\"crispEdges\">"
				+ "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + modules + "\"/></svg>";
	}
}
