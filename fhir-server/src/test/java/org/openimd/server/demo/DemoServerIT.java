package org.openimd.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openimd.server.BaseServerIT;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A server started with {@code --openimd.demo=true}. Every test class of the demo server shares one
 * data directory: demo mode seeds the shared database once and writes the credentials file there, and
 * a later start finds both.
 */
// Its own server on the shared database: closed after its tests, so that no second subscription machinery picks up the others' changes.
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class DemoServerIT extends BaseServerIT {

	protected static final Path DATA_DIRECTORY = newDirectory();
	private static final ObjectMapper JSON = new ObjectMapper();

	private static Path newDirectory() {
		try {
			return Files.createTempDirectory("openimd-demo-it");
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@DynamicPropertySource
	static void demoMode(DynamicPropertyRegistry theRegistry) {
		theRegistry.add("openimd.demo", () -> "true");
		theRegistry.add("openimd.data-dir", DATA_DIRECTORY::toString);
	}

	protected static JsonNode credentials() throws IOException {
		return JSON.readTree(DATA_DIRECTORY.resolve(DemoMode.CREDENTIALS_FILE).toFile());
	}

	protected static JsonNode user(JsonNode theCredentials, String theRole) {
		for (JsonNode user : theCredentials.get("users")) {
			if (user.get("role").asText().equals(theRole)) {
				return user;
			}
		}
		throw new AssertionError("no " + theRole + " in the credentials file");
	}
}
