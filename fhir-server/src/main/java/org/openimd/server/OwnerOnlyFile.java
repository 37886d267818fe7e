package org.openimd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Secrets OpenIMD writes for its operator (key store passwords, demo credentials): readable by the server's user only. */
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
}
