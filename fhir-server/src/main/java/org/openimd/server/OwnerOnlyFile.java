package org.openimd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Secrets OpenIMD writes for its operator (key store passwords, the de-identification key, demo
 * credentials): readable by the server's user only, and never used from a git work tree that tracks
 * them, since a committed key is a published key.
 */
public final class OwnerOnlyFile {

	private OwnerOnlyFile() {}

	public static void write(Path theFile, String theContent) throws IOException {
		Files.createDirectories(theFile.toAbsolutePath().getParent());
		Files.writeString(theFile, theContent, StandardCharsets.UTF_8);
		try {
			Files.setPosixFilePermissions(theFile, PosixFilePermissions.fromString("rw-------"));
		} catch (UnsupportedOperationException notPosix) {
			// Windows: the data directory's ACL is all there is
		}
	}

	/** The secret in {@code theFile}, after {@link #refuseIfTrackedByGit}. */
	public static String read(Path theFile) throws IOException {
		refuseIfTrackedByGit(theFile);
		return Files.readString(theFile, StandardCharsets.UTF_8);
	}

	/**
	 * Stops the start when git tracks {@code theFile}: a server started inside a checkout would
	 * otherwise sign, encrypt or pseudonymise with a key anyone with the repository has. Without git,
	 * or outside a work tree, there is nothing to check.
	 */
	public static void refuseIfTrackedByGit(Path theFile) {
		Path file = theFile.toAbsolutePath().normalize();
		if (file.getParent() == null || !Files.isDirectory(file.getParent())) {
			return;
		}
		ProcessBuilder lsFiles = new ProcessBuilder("git", "ls-files", "--error-unmatch", "--", file.getFileName().toString())
				.directory(file.getParent().toFile()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
		boolean tracked;
		try {
			Process git = lsFiles.start();
			tracked = git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0;
		} catch (IOException noGit) {
			return;
		} catch (InterruptedException interrupted) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while checking whether git tracks " + file, interrupted);
		}
		if (tracked) {
			throw new IllegalStateException(file + " is tracked by git: a committed secret is not a secret. Remove it from the repository"
					+ " (git rm --cached), make a new one, and keep data directories out of git.");
		}
	}
}
