package org.openimd.server.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script ({@code src/main/launcher/openimd}) run with a stand-in for the JVM that writes
 * down the arguments it was started with and, like a real JVM, refuses any start with an option it does
 * not know.
 */
class LauncherTest {

	private static final Path LAUNCHER = Path.of("src", "main", "launcher", "openimd");
	private static final String TRIM = "-XX:TrimNativeHeapInterval=5000";

	@TempDir
	Path myDir;

	@Test
	void aJvmThatKnowsTheTrimmingOptionGetsItBeforeTheUsersOptions() throws Exception {
		List<String> arguments = launch(jvmKnowingEveryOption(), "--server.port=9443");

		assertThat(arguments).contains(TRIM, "-XX:MaxHeapFreeRatio=10");
		assertThat(arguments.indexOf(TRIM)).isLessThan(arguments.indexOf("-Xmx2g"));
		assertThat(arguments.subList(arguments.size() - 3, arguments.size()))
				.containsExactly("-jar", myDir.resolve("openimd-server.jar").toString(), "--server.port=9443");
	}

	@Test
	void aJvmWithoutTheTrimmingOptionStartsWithoutIt() throws Exception {
		List<String> arguments = launch(jvmRefusing("-XX:TrimNativeHeapInterval"), "--server.port=9443");

		assertThat(arguments).doesNotContain(TRIM).contains("-XX:MaxHeapFreeRatio=10", "-Xmx2g", "--server.port=9443");
	}

	@Test
	void theTokenCommandGetsNoneOfTheServersJvmSettings() throws Exception {
		List<String> arguments = launch(jvmKnowingEveryOption(), "token", "--demo");

		assertThat(arguments).containsExactly("-jar", myDir.resolve("openimd-server.jar").toString(), "token", "--demo");
	}

	/** A JAVA_HOME whose {@code bin/java} takes every option the launcher gives. */
	private Path jvmKnowingEveryOption() throws IOException {
		return jvmRefusing("-XX:NoSuchOption");
	}

	/** A JAVA_HOME whose {@code bin/java} exits 1 when given an option starting with {@code theUnknownOption}. */
	private Path jvmRefusing(String theUnknownOption) throws IOException {
		Path bin = Files.createDirectories(myDir.resolve("jvm/bin"));
		Path java = bin.resolve("java");
		Files.writeString(java, """
				#!/bin/sh
				for argument in "$@"; do
					case "$argument" in
					%s*) echo "Unrecognized VM option '$argument'" >&2; exit 1 ;;
					esac
				done
				for argument in "$@"; do
					[ "$argument" = -version ] && exit 0
				done
				printf '%%s\\n' "$@" > "%s"
				""".formatted(theUnknownOption, myDir.resolve("arguments")));
		Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
		return bin.getParent();
	}

	private List<String> launch(Path theJavaHome, String... theArguments) throws Exception {
		Path launcher = Files.copy(LAUNCHER, myDir.resolve("openimd"));
		List<String> command = new ArrayList<>(List.of("sh", launcher.toString()));
		command.addAll(List.of(theArguments));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().put("JAVA_HOME", theJavaHome.toString());
		builder.environment().put("JAVA_OPTS", "-Xmx2g");
		Process process = builder.redirectErrorStream(true).start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
		return Files.readAllLines(myDir.resolve("arguments"));
	}
}
