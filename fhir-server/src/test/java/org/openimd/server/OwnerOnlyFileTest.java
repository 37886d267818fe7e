package org.openimd.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlyFileTest {

	@TempDir
	Path work;

	@Test
	void aKeyThatGitTracksStopsTheStartAndAnUntrackedOneIsRead() throws Exception {
		git("init", "-q");
		Path tracked = work.resolve("data/deid/hmac.key");
		OwnerOnlyFile.write(tracked, "committed-by-mistake");
		Path untracked = work.resolve("data/tls/keystore.password");
		OwnerOnlyFile.write(untracked, "kept-local");
		git("add", "-f", "data/deid/hmac.key");

		assertThatThrownBy(() -> OwnerOnlyFile.read(tracked)).isInstanceOf(IllegalStateException.class)
				.hasMessageContaining("tracked by git");
		assertThat(OwnerOnlyFile.read(untracked)).isEqualTo("kept-local");
	}

	@Test
	void outsideAWorkTreeTheSecretIsRead() throws Exception {
		Path key = work.resolve("hmac.key");
		OwnerOnlyFile.write(key, "no repository here");
		assertThat(OwnerOnlyFile.read(key)).isEqualTo("no repository here");
		assertThat(Files.getPosixFilePermissions(key)).hasSize(2);
	}

	private void git(String... theArguments) throws Exception {
		String[] command = new String[theArguments.length + 1];
		command[0] = "git";
		System.arraycopy(theArguments, 0, command, 1, theArguments.length);
		assertThat(new ProcessBuilder(command).directory(work.toFile()).inheritIO().start().waitFor()).isZero();
	}
}
