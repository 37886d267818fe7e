package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's own command-line tools ({@code pg_dump}, {@code pg_restore}, {@code psql}) run against
 * the test database's server as the test's role, the way an operator follows docs/operations.md; and
 * databases of their own beside the test database, named after it.
 */
final class PostgresCommands {

	private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+)(?::(\\d+))?/([^?]+).*");

	private final Map<String, String> myDatabase = TestDatabase.POSTGRES.packagedServerProperties();
	private final String myHost;
	private final String myPort;
	private final String myName;

	PostgresCommands() {
		Matcher url = JDBC.matcher(myDatabase.get("spring.datasource.url"));
		assertThat(url.matches()).as(myDatabase.get("spring.datasource.url")).isTrue();
		myHost = url.group(1);
		myPort = url.group(2) == null ? "5432" : url.group(2);
		myName = url.group(3);
	}

	/** The test database's name. */
	String testDatabase() {
		return myName;
	}

	/** A database of this server's named {@code theSuffix} after the test database, made empty. */
	String createEmptyDatabase(String theSuffix) throws Exception {
		String name = myName + "_" + theSuffix;
		dropDatabase(theSuffix);
		psql(myName, "--command=CREATE DATABASE " + name);
		return name;
	}

	void dropDatabase(String theSuffix) throws Exception {
		psql(myName, "--command=DROP DATABASE IF EXISTS " + myName + "_" + theSuffix);
	}

	/** The server argument that points a packaged server at database {@code theName} of this server. */
	String datasourceArgument(String theName) {
		return "--spring.datasource.url=jdbc:postgresql://" + myHost + ":" + myPort + "/" + theName;
	}

	/** Runs {@code psql} on database {@code theDatabase} with {@code theArguments}; fails the test on any error. */
	void psql(String theDatabase, String... theArguments) throws Exception {
		List<String> command = new ArrayList<>(List.of("psql", "--quiet", "--set=ON_ERROR_STOP=1", "--dbname=" + theDatabase));
		command.addAll(List.of(theArguments));
		run(command);
	}

	/** Runs one of the tools with this server's connection arguments after {@code theCommand}; fails the test on any error. */
	void run(List<String> theCommand) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(theCommand);
		command.addAll(List.of("--host=" + myHost, "--port=" + myPort, "--username=" + myDatabase.get("spring.datasource.username")));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().put("PGPASSWORD", myDatabase.get("spring.datasource.password"));
		Process process = builder.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor()).as(String.join(" ", command) + ":\n" + output).isZero();
	}
}
