package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's and docs' {@code sh} examples, run as written against a demo server started as the
 * README says ({@code fhir-server/target/openimd/openimd --openimd.demo=true}, HTTPS with its
 * self-signed certificate), from a directory that looks like a fresh clone: the repository's files, and
 * the server's {@code data/}. Each page's examples run in order in one bash, as a reader pastes them;
 * every request must succeed ({@code curl} is run with {@code --fail-with-body}), and no {@code jq}
 * filter may come back empty-handed ({@code null}).
 *
 * <p>A newcomer's demo runs on the embedded H2 database, so the PostgreSQL run leaves this to the H2 one.
 */
@ExtendWith(TestDatabase.AvailableCondition.class)
class DocumentationExamplesIT {

	private static final Pattern SHELL_EXAMPLE = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
	/** What the test adds before a page's examples: stop at the first failure, and let no HTTP error pass as output. */
	private static final String STRICT_SHELL = """
			set -euo pipefail
			curl() { command curl --fail-with-body --silent --show-error "$@"; }
			""";

	@TempDir
	Path myClone;

	@Test
	void everyShellExampleRunsAsWrittenAgainstADemoServer() throws Exception {
		assumeTrue(TestDatabase.current() == TestDatabase.H2, "a newcomer's demo runs on H2; the H2 run covers it");
		Path repository = Path.of(System.getProperty("openimd.repository")).toRealPath();
		try (Stream<Path> entries = Files.list(repository)) {
			for (Path entry : entries.filter(entry -> !entry.getFileName().toString().equals("data")).toList()) {
				Files.createSymbolicLink(myClone.resolve(entry.getFileName()), entry);
			}
		}
		Map<String, String> examplesByPage = examplesByPage(repository);
		assertThat(examplesByPage).as("pages with sh examples").containsKey("docs/demo.md");

		PackagedServer server = PackagedServer.start(myClone, PackagedServer.freePort(), "demo", List.of("--openimd.demo=true"));
		try {
			for (Map.Entry<String, String> page : examplesByPage.entrySet()) {
				ProcessBuilder builder = new ProcessBuilder("bash", "-c", STRICT_SHELL + page.getValue()).directory(myClone.toFile())
						.redirectErrorStream(true);
				builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
				Process bash = builder.start();
				String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				assertThat(bash.waitFor(10, TimeUnit.MINUTES)).isTrue();
				System.out.printf("%s examples:%n%s%n", page.getKey(), output);
				assertThat(bash.exitValue()).as("the examples of %s:%n%s", page.getKey(), output).isZero();
				assertThat(output.lines()).as("the examples of %s found what they look for", page.getKey()).doesNotContain("null");
			}
			assertThat(server.log()).as("the demo server's log").doesNotContain("Failed to upload").doesNotContainPattern("\\n\\s+at ");
		} finally {
			server.stop();
			server.process().destroyForcibly();
		}
	}

	/** The {@code sh} blocks of README.md and of every page under docs/, joined per page in their order. */
	private static Map<String, String> examplesByPage(Path theRepository) throws IOException {
		List<Path> pages = new ArrayList<>(List.of(theRepository.resolve("README.md")));
		try (Stream<Path> docs = Files.list(theRepository.resolve("docs"))) {
			docs.filter(page -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		Map<String, String> examples = new LinkedHashMap<>();
		for (Path page : pages) {
			Matcher block = SHELL_EXAMPLE.matcher(Files.readString(page));
			StringBuilder script = new StringBuilder();
			while (block.find()) {
				script.append(block.group(1)).append('\n');
			}
			if (!script.isEmpty()) {
				examples.put(theRepository.relativize(page).toString(), script.toString());
			}
		}
		return examples;
	}
}
