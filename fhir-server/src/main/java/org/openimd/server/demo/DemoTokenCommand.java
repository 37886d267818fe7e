package org.openimd.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.jwk.ECKey;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.openimd.server.OwnerOnlyFile;
import org.openimd.server.tls.SelfSignedKeyStore;

/**
 * {@code openimd token --demo --as NAME [--scope SCOPES] [--data-dir DIR]}: prints an access token of
 * a demo person or demo system, earned from the server named in the demo's credentials file the way
 * their app or system would earn it, so that a newcomer can try the API with {@code curl} at once.
 *
 * <p>It reads nothing but the demo's file: {@code --demo} says so, so that nobody takes it for a way to
 * keep real credentials. A person's authenticator code works once, so a token is kept (owner-only, in
 * the data directory) and printed again while it has more than a minute to live.
 */
public final class DemoTokenCommand {

	public static final String NAME = "token";
	static final String USAGE = "usage: openimd token --demo --as NAME [--scope \"SCOPES\"] [--data-dir DIR]\n"
			+ "  NAME: a demo user (demo-patient, demo-clinician, …) or demo system (demo-backend, demo-gateway, …)"
			+ " from DIR/" + DemoMode.CREDENTIALS_FILE + " (DIR is ./data unless given)";
	private static final ObjectMapper JSON = new ObjectMapper();
	private static final Duration LEAST_LIFE_LEFT = Duration.ofMinutes(1);
	private static final String TOKENS_DIRECTORY = "demo-tokens";

	private final Clock myClock;

	DemoTokenCommand(Clock theClock) {
		myClock = theClock;
	}

	/** Runs the command with {@code theArguments} (after {@code token}) and answers the process's exit status. */
	public static int run(List<String> theArguments, PrintStream theOut, PrintStream theErr) {
		Optional<Request> request = Request.parse(theArguments);
		if (request.isEmpty()) {
			theErr.println(USAGE);
			return 2;
		}
		try {
			theOut.println(new DemoTokenCommand(Clock.systemUTC()).token(request.get()));
			return 0;
		} catch (Exception e) {
			theErr.println("openimd token: " + e.getMessage());
			return 1;
		}
	}

	String token(Request theRequest) throws Exception {
		Path credentialsFile = theRequest.dataDirectory().resolve(DemoMode.CREDENTIALS_FILE);
		if (!Files.exists(credentialsFile)) {
			throw new IllegalStateException(credentialsFile.toAbsolutePath() + " does not exist: start the server with --openimd.demo=true"
					+ " from this directory first (or give --data-dir)");
		}
		JsonNode credentials = JSON.readTree(OwnerOnlyFile.read(credentialsFile));
		Optional<JsonNode> user = named(credentials.get("users"), "username", theRequest.name());
		Optional<JsonNode> system = named(credentials.get("clients"), "clientId", theRequest.name())
				.filter(client -> client.get("type").asText().equals("backend"));
		if (user.isEmpty() && system.isEmpty()) {
			throw new IllegalArgumentException("no demo user or demo system is called \"" + theRequest.name() + "\"; there are "
					+ names(credentials.get("users"), "username") + " and " + names(credentials.get("clients"), "clientId"));
		}
		String scope = theRequest.scope().orElseGet(() -> user.map(DemoTokenCommand::defaultScope)
				.orElseGet(() -> system.orElseThrow().get("scopes").asText()));
		Path kept = theRequest.dataDirectory().resolve(TOKENS_DIRECTORY).resolve(theRequest.name() + ".json");
		Optional<String> keptToken = keptToken(kept, scope);
		if (keptToken.isPresent()) {
			return keptToken.get();
		}
		String fhirBase = credentials.get("fhirBase").asText();
		DemoSignIn signIn = new DemoSignIn(fhirBase, trusting(theRequest.dataDirectory()), myClock);
		JsonNode response;
		if (user.isPresent()) {
			JsonNode app = named(credentials.get("clients"), "type", "public").orElseThrow();
			response = signIn.personToken(app.get("clientId").asText(), app.get("redirectUris").get(0).asText(), scope,
					user.get().get("username").asText(), user.get().get("password").asText(), user.get().get("totpSecret").asText());
		} else {
			response = signIn.systemToken(system.get().get("clientId").asText(), ECKey.parse(system.get().get("privateJwk").toString()), scope);
		}
		keep(kept, scope, response);
		return response.get("access_token").asText();
	}

	/** What a person's app asks for: their data as their role reaches it; the administrator also administration. */
	private static String defaultScope(JsonNode theUser) {
		return switch (theUser.get("role").asText().toLowerCase(Locale.ROOT)) {
			case "patient" -> "openid fhirUser launch/patient patient/*.rs";
			case "admin" -> "openid fhirUser user/*.cruds openimd.admin";
			default -> "openid fhirUser user/*.cruds";
		};
	}

	private Optional<String> keptToken(Path theFile, String theScope) throws Exception {
		if (!Files.exists(theFile)) {
			return Optional.empty();
		}
		JsonNode kept = JSON.readTree(OwnerOnlyFile.read(theFile));
		boolean lasts = Instant.parse(kept.get("expiresAt").asText()).isAfter(myClock.instant().plus(LEAST_LIFE_LEFT));
		return lasts && kept.get("requestedScope").asText().equals(theScope) ? Optional.of(kept.get("accessToken").asText()) : Optional.empty();
	}

	private void keep(Path theFile, String theScope, JsonNode theResponse) throws Exception {
		ObjectNode kept = JSON.createObjectNode();
		kept.put("requestedScope", theScope);
		kept.put("accessToken", theResponse.get("access_token").asText());
		kept.put("expiresAt", myClock.instant().plusSeconds(theResponse.get("expires_in").asLong()).toString());
		OwnerOnlyFile.write(theFile, kept.toString());
	}

	/** The JDK's certificate authorities, and the server's own self-signed certificate if the data directory holds one. */
	private static SSLContext trusting(Path theDataDirectory) throws Exception {
		KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
		trusted.load(null, null);
		TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		defaults.init((KeyStore) null);
		int alias = 0;
		for (X509Certificate authority : ((X509TrustManager) defaults.getTrustManagers()[0]).getAcceptedIssuers()) {
			trusted.setCertificateEntry("ca-" + alias++, authority);
		}
		Path selfSigned = theDataDirectory.resolve("tls").resolve(SelfSignedKeyStore.CERTIFICATE_FILE_NAME);
		if (Files.exists(selfSigned)) {
			try (InputStream in = Files.newInputStream(selfSigned)) {
				for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
					trusted.setCertificateEntry("openimd-" + alias++, certificate);
				}
			}
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trusted);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private static Optional<JsonNode> named(JsonNode theEntries, String theField, String theValue) {
		for (JsonNode entry : theEntries) {
			if (entry.path(theField).asText().equals(theValue)) {
				return Optional.of(entry);
			}
		}
		return Optional.empty();
	}

	private static List<String> names(JsonNode theEntries, String theField) {
		List<String> names = new ArrayList<>();
		theEntries.forEach(entry -> names.add(entry.get(theField).asText()));
		return names;
	}

	/** What the command line asks for. */
	record Request(String name, Optional<String> scope, Path dataDirectory) {

		static Optional<Request> parse(List<String> theArguments) {
			String name = null;
			String scope = null;
			Path dataDirectory = Path.of("data");
			boolean demo = false;
			for (int at = 0; at < theArguments.size(); at++) {
				String argument = theArguments.get(at);
				boolean hasValue = at + 1 < theArguments.size();
				switch (argument) {
					case "--demo" -> demo = true;
					case "--as" -> name = hasValue ? theArguments.get(++at) : null;
					case "--scope" -> scope = hasValue ? theArguments.get(++at) : null;
					case "--data-dir" -> dataDirectory = hasValue ? Path.of(theArguments.get(++at)) : null;
					default -> {
						return Optional.empty();
					}
				}
			}
			return demo && name != null && dataDirectory != null ? Optional.of(new Request(name, Optional.ofNullable(scope), dataDirectory))
					: Optional.empty();
		}
	}
}
