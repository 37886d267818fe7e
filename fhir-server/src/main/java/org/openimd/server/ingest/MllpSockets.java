package org.openimd.server.ingest;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.ServerSocketFactory;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;

/** Plain TCP, or TLS from a Spring SSL bundle, for the MLLP listener. */
final class MllpSockets {

	private static final String[] TLS_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
	/** The width of the raw store's remote_address column. */
	private static final int MAX_SENDER_DESCRIPTION = 256;

	private MllpSockets() {}

	/** Opens the listening socket, as {@link MllpProperties} configures it. */
	interface ListenerFactory {
		ServerSocket listen(int thePort, InetAddress theBindAddress) throws IOException;
	}

	static ListenerFactory listenerFactory(MllpProperties theProperties, SslBundles theSslBundles) {
		if (!theProperties.tls()) {
			return (port, address) -> ServerSocketFactory.getDefault().createServerSocket(port, 0, address);
		}
		SslBundle bundle = theSslBundles.getBundle(theProperties.sslBundle());
		return (port, address) -> {
			SSLServerSocket socket = (SSLServerSocket) bundle.createSslContext().getServerSocketFactory()
					.createServerSocket(port, 0, address);
			String[] protocols = bundle.getOptions().getEnabledProtocols();
			socket.setEnabledProtocols(protocols != null ? protocols : TLS_PROTOCOLS);
			if (bundle.getOptions().getCiphers() != null) {
				socket.setEnabledCipherSuites(bundle.getOptions().getCiphers());
			}
			switch (theProperties.clientAuth()) {
				case NEED -> socket.setNeedClientAuth(true);
				case WANT -> socket.setWantClientAuth(true);
				case NONE -> socket.setNeedClientAuth(false);
			}
			return socket;
		};
	}

	/**
	 * Who is at the other end: the address, and for TLS the subject of the certificate the sender
	 * presented. Completes the TLS handshake, so a sender that cannot authenticate fails here.
	 */
	static String describeSender(Socket theConnection) throws IOException {
		String address = theConnection.getRemoteSocketAddress().toString();
		if (!(theConnection instanceof SSLSocket tls)) {
			return address;
		}
		tls.startHandshake();
		try {
			String described = address + " " + tls.getSession().getPeerPrincipal().getName();
			return described.length() <= MAX_SENDER_DESCRIPTION ? described : described.substring(0, MAX_SENDER_DESCRIPTION);
		} catch (SSLPeerUnverifiedException noClientCertificate) {
			return address;
		}
	}
}
