package org.openimd.server.app;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * A browser SMART app on an origin of its own (another port of the loopback address), built as app
 * galleries' apps are: on the reference SMART JS client, {@code fhirclient} from the npm registry, which
 * launches, exchanges the code and reads the patient from the page itself, across origins.
 */
final class ThirdPartyBrowserApp implements AutoCloseable {

	static final String CLIENT_ID = "third-party-browser-app";
	private static final String FHIRCLIENT_TARBALL = "https://registry.npmjs.org/fhirclient/-/fhirclient-2.6.3.tgz";
	/** The registry's published shasum of that tarball: what runs in the browser is what the registry serves. */
	private static final String FHIRCLIENT_SHA1 = "fa22c373d16b2b36ffa32c60e92ce10f288c4a9e";
	private static final String FHIRCLIENT_BUNDLE = "package/build/fhir-client.min.js";
	private static final Path CACHE = Path.of("target", "fhirclient-2.6.3.tgz");

	private final HttpServer myServer;

	ThirdPartyBrowserApp(String theFhirBase) throws Exception {
		byte[] client = bundledClient();
		String launch = page("""
				FHIR.oauth2.authorize({clientId: '%s', scope: 'openid fhirUser launch/patient patient/*.rs',
				  redirectUri: './callback.html', iss: '%s', pkceMode: 'required'});
				""".formatted(CLIENT_ID, theFhirBase));
		String callback = page("""
				FHIR.oauth2.ready()
				  .then(client => client.request('Patient/' + client.patient.id))
				  .then(patient => { document.getElementById('out').textContent = patient.name[0].family; document.title = 'read'; })
				  .catch(error => { document.getElementById('out').textContent = String(error); document.title = 'failed'; });
				""");
		Map<String, byte[]> files = Map.of("/fhir-client.js", client, "/launch.html", launch.getBytes(StandardCharsets.UTF_8),
				"/callback.html", callback.getBytes(StandardCharsets.UTF_8));
		myServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		myServer.createContext("/", exchange -> {
			byte[] body = files.get(exchange.getRequestURI().getPath());
			if (body == null) {
				exchange.sendResponseHeaders(404, -1);
			} else {
				exchange.getResponseHeaders().add("Content-Type", exchange.getRequestURI().getPath().endsWith(".js") ? "text/javascript" : "text/html");
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
			}
			exchange.close();
		});
		myServer.start();
	}

	String origin() {
		return "http://127.0.0.1:" + myServer.getAddress().getPort();
	}

	String redirectUri() {
		return origin() + "/callback.html";
	}

	String launchUrl() {
		return origin() + "/launch.html";
	}

	private static String page(String theScript) {
		return "<!DOCTYPE html><html><head><title>working</title><script src=\"fhir-client.js\"></script></head><body><p id=\"out\"></p><script>"
				+ theScript + "</script></body></html>";
	}

	private static byte[] bundledClient() throws Exception {
		if (!Files.exists(CACHE)) {
			HttpResponse<byte[]> download = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
					.send(HttpRequest.newBuilder(URI.create(FHIRCLIENT_TARBALL)).build(), HttpResponse.BodyHandlers.ofByteArray());
			if (download.statusCode() != 200) {
				throw new IOException("the npm registry answered " + download.statusCode() + " for " + FHIRCLIENT_TARBALL);
			}
			Files.createDirectories(CACHE.getParent());
			Files.write(CACHE, download.body());
		}
		byte[] tarball = Files.readAllBytes(CACHE);
		String sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(tarball));
		if (!sha1.equals(FHIRCLIENT_SHA1)) {
			Files.delete(CACHE);
			throw new IOException("fhirclient's tarball has SHA-1 " + sha1 + ", not the registry's " + FHIRCLIENT_SHA1);
		}
		return fileInTar(new GZIPInputStream(new java.io.ByteArrayInputStream(tarball)), FHIRCLIENT_BUNDLE);
	}

	/** One file of a tar archive: 512-byte headers (name at 0, octal size at 124), each file padded to 512 bytes. */
	private static byte[] fileInTar(InputStream theTar, String theName) throws IOException {
		byte[] header = new byte[512];
		while (theTar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
			String name = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "").strip();
			long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").strip(), 8);
			ByteArrayOutputStream content = new ByteArrayOutputStream();
			content.write(theTar.readNBytes((int) size));
			theTar.skipNBytes((512 - size % 512) % 512);
			if (name.equals(theName)) {
				return content.toByteArray();
			}
		}
		throw new IOException(theName + " is not in the tarball");
	}

	@Override
	public void close() {
		myServer.stop(0);
	}
}
