package org.openimd.server.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;

/**
 * A subscriber's rest-hook on loopback HTTP: each endpoint ({@link #newEndpoint()}) keeps the
 * notification Bundles posted to it, in order, and answers as a FHIR server answers a transaction.
 */
final class RestHookReceiver implements AutoCloseable {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	private final HttpServer myServer;
	private final Map<String, BlockingQueue<Bundle>> myReceived = new ConcurrentHashMap<>();

	RestHookReceiver() {
		try {
			myServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		myServer.createContext("/", exchange -> {
			String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
			BlockingQueue<Bundle> queue = myReceived.get(exchange.getRequestURI().getPath());
			if (queue == null) {
				exchange.sendResponseHeaders(404, -1);
				return;
			}
			queue.add(FHIR.newJsonParser().parseResource(Bundle.class, body));
			byte[] answer = "{\"resourceType\":\"Bundle\",\"type\":\"transaction-response\"}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
			exchange.sendResponseHeaders(200, answer.length);
			exchange.getResponseBody().write(answer);
			exchange.close();
		});
		myServer.start();
	}

	/** A new endpoint URL of its own. */
	String newEndpoint() {
		String path = "/hook/" + UUID.randomUUID();
		myReceived.put(path, new LinkedBlockingQueue<>());
		return "http://127.0.0.1:" + myServer.getAddress().getPort() + path;
	}

	/** The next notification posted to {@code theEndpoint}, waiting up to {@code theWait}. */
	Bundle next(String theEndpoint, Duration theWait) throws InterruptedException {
		Bundle next = queue(theEndpoint).poll(theWait.toMillis(), TimeUnit.MILLISECONDS);
		assertThat(next).as("a notification at " + theEndpoint).isNotNull();
		return next;
	}

	/** The next notification of {@code theType} (event-notification, heartbeat…), skipping others. */
	Bundle next(String theEndpoint, String theType, Duration theWait) throws InterruptedException {
		long until = System.nanoTime() + theWait.toNanos();
		while (true) {
			Bundle next = next(theEndpoint, Duration.ofNanos(Math.max(1, until - System.nanoTime())));
			if (type(next).equals(theType)) {
				return next;
			}
		}
	}

	boolean nothingAt(String theEndpoint, String theType) {
		return queue(theEndpoint).stream().noneMatch(bundle -> type(bundle).equals(theType));
	}

	static Parameters status(Bundle theNotification) {
		return (Parameters) theNotification.getEntryFirstRep().getResource();
	}

	static String type(Bundle theNotification) {
		return status(theNotification).getParameter("type").getValue().primitiveValue();
	}

	private BlockingQueue<Bundle> queue(String theEndpoint) {
		return myReceived.get(theEndpoint.substring(theEndpoint.indexOf("/hook/")));
	}

	@Override
	public void close() {
		myServer.stop(0);
	}
}
