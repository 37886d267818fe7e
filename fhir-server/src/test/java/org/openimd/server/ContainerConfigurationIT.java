package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openimd.server.alerts.TransmissionMessages;
import org.springframework.boot.ssl.pem.PemSslStoreBundle;
import org.springframework.boot.ssl.pem.PemSslStoreDetails;
import org.yaml.snakeyaml.Yaml;

/**
 * The container files (docker/) against the application, since this machine cannot run containers:
 * the packaged server, laid out by the same script the image runs, started with the compose file's
 * environment for the OpenIMD service and its secrets where compose mounts them (only the database is
 * the test's), must take every setting: HTTPS with the web certificate, the public base URL, MLLP over
 * mutual TLS for senders the CA signed; the image's health check must find it ready; the image's
 * ports, entry point and user, and the proxy's upstreams, must be the application's.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class ContainerConfigurationIT {

	private static final Path REPOSITORY = Path.of(System.getProperty("user.dir")).getParent();
	private static final Path DOCKER = REPOSITORY.resolve("docker");
	private static final String RUN_SECRETS = "/run/secrets/";

	@TempDir
	Path myWorkDir;
	private PackagedServer myServer;

	@AfterEach
	void stopTheServer() throws Exception {
		if (myServer != null) {
			myServer.stop();
		}
	}

	@Test
	void theImageAndTheComposeServiceConfigureTheServerAsTheyMean() throws Exception {
		String dockerfile = Files.readString(DOCKER.resolve("Dockerfile"));
		Map<String, Object> compose = yaml(DOCKER.resolve("compose.yaml"));
		Map<String, Object> services = map(compose.get("services"));
		Map<String, Object> service = map(services.get("openimd-1"));
		assertThat(services.get("openimd-2")).as("two nodes, configured alike").isEqualTo(service);

		// the image: the Maven build's jar and launcher, laid out where the entry point starts it, by a user who is not root
		assertThat(dockerfile).contains("COPY --from=build /src/fhir-server/target/openimd-server.jar /tmp/build/openimd-server.jar",
				"COPY fhir-server/src/main/launcher/ /tmp/build/launcher/",
				"RUN sh /tmp/build/launcher/prepare-launch.sh /tmp/build/openimd-server.jar /opt/openimd /tmp/build/launcher/openimd",
				"ENTRYPOINT [\"/opt/openimd/openimd\"]");
		assertThat(REPOSITORY.resolve("fhir-server/target/openimd-server.jar")).exists();
		assertThat(REPOSITORY.resolve("fhir-server/src/main/launcher/prepare-launch.sh")).exists();
		assertThat(match(dockerfile, "(?m)^USER (\\S+)$")).isNotIn("root", "0");
		assertThat(match(dockerfile, "(?m)^EXPOSE (.+)$")).isEqualTo("8443 2575");
		String nginx = Files.readString(DOCKER.resolve("nginx.conf"));
		assertThat(nginx).contains("server openimd-1:8443;", "server openimd-2:8443;", "server openimd-1:2575;", "server openimd-2:2575;",
				"listen 8443;", "listen 2575;");

		// the service's secrets where compose mounts them, made as the compose file's instructions say
		Path secrets = myWorkDir.resolve("secrets");
		Process made = new ProcessBuilder("sh", DOCKER.resolve("make-secrets.sh").toString(), secrets.toString()).inheritIO().start();
		assertThat(made.waitFor()).isZero();
		Path mounted = myWorkDir.resolve("run-secrets");
		Map<String, Object> declared = map(compose.get("secrets"));
		for (Object secret : (List<?>) service.get("secrets")) {
			String source = secret instanceof Map<?, ?> long_ ? (String) long_.get("source") : (String) secret;
			String target = secret instanceof Map<?, ?> long_ ? (String) long_.get("target") : (String) secret;
			Path file = secrets.resolve(Path.of((String) map(declared.get(source)).get("file")).getFileName());
			Files.createDirectories(mounted.resolve(target).getParent());
			Files.copy(file, mounted.resolve(target));
		}

		// the service's environment, the secrets' paths where they are here, the database the test's
		Map<String, String> environment = new LinkedHashMap<>();
		map(service.get("environment")).forEach((name, value) -> environment.put(name, String.valueOf(value).replace(RUN_SECRETS, mounted + "/")));
		environment.keySet().removeIf(name -> name.startsWith("SPRING_DATASOURCE_"));
		environment.put("OPENIMD_DATA_DIR", myWorkDir.resolve("data").toString());
		int port = PackagedServer.freePort();
		myServer = PackagedServer.start(myWorkDir, port, "container", List.of(), environment,
				trusting(secrets.resolve("web-certificate.pem"), null, null));

		// the image's health check finds it ready, over HTTPS with the certificate compose gave it
		String healthCheck = match(dockerfile, "https://localhost:8443(/\\S+)");
		assertThat(myServer.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + healthCheck))).statusCode()).isEqualTo(200);
		assertThat(myServer.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/fhir/metadata"))
				.header("Accept", "application/fhir+json")).body()).contains("\"url\":\"https://localhost:8443/fhir\"");

		// MLLP over TLS: a sender with a certificate the senders' CA signed is served, one without is not
		int mllpPort = Integer.parseInt(match(myServer.log(), "over MLLP with TLS on 0\\.0\\.0\\.0 port (\\d+)"));
		SSLContext sender = trusting(secrets.resolve("mllp-certificate.pem"), secrets.resolve("sender.pem"), secrets.resolve("sender-key.pem"));
		String ack = exchange(sender, mllpPort, TransmissionMessages.icdMessage("CT" + UUID.randomUUID().toString().substring(0, 8), "20261201"));
		assertThat(ack).contains("MSA|AA");
		SSLContext stranger = trusting(secrets.resolve("mllp-certificate.pem"), null, null);
		assertThat(refused(stranger, mllpPort)).as("no certificate, no MLLP").isTrue();
	}

	private static Map<String, Object> yaml(Path theFile) throws IOException {
		try (InputStream in = Files.newInputStream(theFile)) {
			return new Yaml().load(in);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object theValue) {
		return (Map<String, Object>) theValue;
	}

	private static String match(String theText, String theRegex) {
		Matcher matcher = Pattern.compile(theRegex).matcher(theText);
		assertThat(matcher.find()).as(theRegex).isTrue();
		return matcher.group(1);
	}

	/** Trusting the PEM certificate {@code theTrusted}, presenting the PEM certificate and key when given. */
	private static SSLContext trusting(Path theTrusted, Path theCertificate, Path theKey) throws Exception {
		PemSslStoreBundle stores = new PemSslStoreBundle(
				theCertificate == null ? null : new PemSslStoreDetails(null, Files.readString(theCertificate), Files.readString(theKey)),
				new PemSslStoreDetails(null, Files.readString(theTrusted), null));
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(stores.getTrustStore());
		KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		KeyStore keyStore = stores.getKeyStore();
		if (keyStore != null) {
			keys.init(keyStore, null);
		}
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyStore == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
		return context;
	}

	private static String exchange(SSLContext theContext, int thePort, String theMessage) throws IOException {
		try (SSLSocket socket = (SSLSocket) theContext.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress("localhost", thePort), 10_000);
			socket.setSoTimeout(60_000);
			return MllpExchange.exchange(socket, theMessage);
		}
	}

	private static boolean refused(SSLContext theContext, int thePort) {
		try (SSLSocket socket = (SSLSocket) theContext.getSocketFactory().createSocket()) {
			socket.connect(new InetSocketAddress("localhost", thePort), 10_000);
			socket.setSoTimeout(30_000);
			socket.startHandshake();
			socket.getOutputStream().write(0x0B);
			socket.getOutputStream().flush();
			return socket.getInputStream().read() == -1;
		} catch (IOException closed) {
			return true;
		}
	}
}
