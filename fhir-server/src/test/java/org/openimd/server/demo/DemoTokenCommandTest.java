package org.openimd.server.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code openimd token} says when it cannot print a token; DocumentationExamplesIT runs it against a demo server. */
class DemoTokenCommandTest {

	@TempDir
	Path myDataDirectory;

	private final ByteArrayOutputStream myOut = new ByteArrayOutputStream();
	private final ByteArrayOutputStream myErr = new ByteArrayOutputStream();

	@Test
	void withoutDemoOrANameItAnswersItsUsage() {
		assertThat(run("--as", "demo-clinician")).isEqualTo(2);
		assertThat(run("--demo")).isEqualTo(2);
		assertThat(run("--demo", "--as")).isEqualTo(2);
		assertThat(run("--demo", "--as", "demo-clinician", "--password", "x")).isEqualTo(2);

		assertThat(myOut.toString(StandardCharsets.UTF_8)).isEmpty();
		assertThat(myErr.toString(StandardCharsets.UTF_8)).contains("usage: openimd token --demo --as NAME");
	}

	@Test
	void withoutADemoServersCredentialsItSaysHowToGetThem() {
		assertThat(run("--demo", "--as", "demo-clinician", "--data-dir", myDataDirectory.toString())).isEqualTo(1);

		assertThat(myOut.toString(StandardCharsets.UTF_8)).isEmpty();
		assertThat(myErr.toString(StandardCharsets.UTF_8)).contains(DemoMode.CREDENTIALS_FILE + " does not exist")
				.contains("--openimd.demo=true");
	}

	private int run(String... theArguments) {
		return DemoTokenCommand.run(List.of(theArguments), new PrintStream(myOut, true, StandardCharsets.UTF_8),
				new PrintStream(myErr, true, StandardCharsets.UTF_8));
	}
}
