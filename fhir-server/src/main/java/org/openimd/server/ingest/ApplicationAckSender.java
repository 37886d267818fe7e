package org.openimd.server.ingest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openimd.mappers.hl7v2.MshHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Delivers enhanced-mode application ACKs (MSH-16). Unlike the accept ACK, which answers on the
 * sender's own connection, an application ACK is a message of its own: it goes over MLLP to the
 * return route configured for the sender, asks to be confirmed with an accept ACK, and is tried
 * again with growing pauses until it is. Its fate is filed with the message it acknowledges.
 */
class ApplicationAckSender implements DisposableBean {

	private static final Logger ourLog = LoggerFactory.getLogger(ApplicationAckSender.class);
	private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
	private static final int MAX_CONFIRMATION_BYTES = 1 << 20;

	private final Map<String, InetSocketAddress> myRoutes;
	private final IngestMessageStore myStore;
	private final int myAttempts;
	private final int myTimeoutMillis;
	private final Clock myClock;
	private final ThreadPoolTaskScheduler myExecutor = new ThreadPoolTaskScheduler();

	ApplicationAckSender(IngestProperties theProperties, IngestMessageStore theStore, Clock theClock) {
		myRoutes = theProperties.applicationAckRoutes().entrySet().stream()
				.collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, route -> address(route.getKey(), route.getValue())));
		myStore = theStore;
		myAttempts = theProperties.applicationAckAttempts();
		myTimeoutMillis = (int) theProperties.applicationAckTimeout().toMillis();
		myClock = theClock;
		myExecutor.setThreadNamePrefix("hl7-application-ack-");
		myExecutor.setDaemon(true);
		myExecutor.setClock(theClock);
		myExecutor.initialize();
	}

	private static InetSocketAddress address(String theSender, String theRoute) {
		int colon = theRoute.lastIndexOf(':');
		try {
			return InetSocketAddress.createUnresolved(theRoute.substring(0, colon), Integer.parseInt(theRoute.substring(colon + 1)));
		} catch (RuntimeException e) {
			throw new IllegalArgumentException("openimd.ingest.application-ack-routes[" + theSender + "] must be host:port, not '"
					+ theRoute + "'", e);
		}
	}

	void send(long theMessageId, MshHeader theAcknowledged, Hl7Ack theAck) {
		Optional<InetSocketAddress> route = Optional.ofNullable(myRoutes.get(theAcknowledged.sender()))
				.or(() -> Optional.ofNullable(myRoutes.get(theAcknowledged.sendingApplication())));
		if (route.isEmpty()) {
			myStore.markApplicationAck(theMessageId, ApplicationAckStatus.NO_ROUTE, theAck.acknowledgmentCode());
			ourLog.warn("Sender {} asks for application ACKs (MSH-16) but has no return route in"
					+ " openimd.ingest.application-ack-routes; the outcome of message {} is at /ingest/messages/{}",
					theAcknowledged.sender(), theMessageId, theMessageId);
			return;
		}
		myStore.markApplicationAck(theMessageId, ApplicationAckStatus.PENDING, theAck.acknowledgmentCode());
		// Built once: every attempt carries the same MSH-10, so a receiver can recognise a repeat.
		byte[] ack = theAck.askingForAcceptAck().toEr7(myClock.instant()).getBytes(StandardCharsets.ISO_8859_1);
		myExecutor.execute(() -> attempt(theMessageId, theAck.acknowledgmentCode(), route.get(), ack, 1));
	}

	private void attempt(long theMessageId, String theAckCode, InetSocketAddress theRoute, byte[] theAck, int theAttempt) {
		try {
			deliver(theRoute, theAck);
			myStore.markApplicationAck(theMessageId, ApplicationAckStatus.SENT, theAckCode);
			ourLog.info("Application ACK {} for message {} confirmed by {}", theAckCode, theMessageId, theRoute);
		} catch (IOException e) {
			if (theAttempt >= myAttempts) {
				myStore.markApplicationAck(theMessageId, ApplicationAckStatus.FAILED, theAckCode);
				ourLog.warn("Application ACK for message {} to {} failed {} times; last: {}", theMessageId, theRoute, theAttempt,
						e.getMessage());
				return;
			}
			long delay = FIRST_RETRY_DELAY.toMillis() << (theAttempt - 1);
			ourLog.info("Application ACK for message {} to {} failed ({}); trying again in {} ms", theMessageId, theRoute,
					e.getMessage(), delay);
			myExecutor.schedule(() -> attempt(theMessageId, theAckCode, theRoute, theAck, theAttempt + 1), myClock.instant().plusMillis(delay));
		}
	}

	private void deliver(InetSocketAddress theRoute, byte[] theAck) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(theRoute.getHostString(), theRoute.getPort()), myTimeoutMillis);
			socket.setSoTimeout(myTimeoutMillis);
			MllpFraming.write(socket.getOutputStream(), theAck);
			byte[] confirmation = MllpFraming.read(socket.getInputStream(), MAX_CONFIRMATION_BYTES);
			if (confirmation == null) {
				throw new IOException("connection closed without an accept ACK");
			}
			String code = acknowledgmentCode(new String(confirmation, StandardCharsets.ISO_8859_1));
			if (!code.equals("CA") && !code.equals("AA")) {
				throw new IOException("the receiver answered " + (code.isEmpty() ? "without an MSA segment" : code));
			}
		}
	}

	/** MSA-1 of an ACK, or empty. */
	private static String acknowledgmentCode(String theAck) {
		if (theAck.length() < 4) {
			return "";
		}
		String fieldSeparator = String.valueOf(theAck.charAt(3));
		return Arrays.stream(theAck.split("[\r\n]+"))
				.filter(segment -> segment.startsWith("MSA" + fieldSeparator))
				.map(segment -> segment.split(Pattern.quote(fieldSeparator), -1))
				.filter(fields -> fields.length > 1)
				.map(fields -> fields[1])
				.findFirst().orElse("");
	}

	@Override
	public void destroy() {
		// An ACK still waiting stays PENDING in the store, where the operator can see it.
		myExecutor.shutdown();
	}
}
