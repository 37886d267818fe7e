package org.openimd.server.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareClassSharingTest {

	@TempDir
	Path layout;

	@Test
	void mostUsedLibrariesComeFirstUnlessTheyShareANameWithAnEarlierOne() throws IOException {
		jar("lib/unused.jar", "unused/Helper.class", "META-INF/LICENSE.txt");
		jar("lib/shares-a-service.jar", "first/One.class", "META-INF/services/example.Service");
		jar("lib/most-used.jar", "most/One.class", "most/Two.class", "most/Three.class", "META-INF/services/example.Service");
		jar("lib/independent.jar", "independent/One.class", "independent/Two.class", "META-INF/LICENSE.txt", "META-INF/");
		Path application = applicationJar("lib/unused.jar lib/shares-a-service.jar lib/most-used.jar lib/independent.jar");

		Path toShare = prepare(application, "first/One", "most/One", "most/Two", "most/Three", "independent/One", "independent/Two");

		// most-used.jar may not pass shares-a-service.jar (a ServiceLoader would meet the two registrations
		// in the other order), so it follows it; independent.jar, with two classes loaded, goes first,
		// past unused.jar: a licence text of the same name and a directory bind no order.
		assertThat(classPath(application)).containsExactly("lib/independent.jar", "lib/shares-a-service.jar", "lib/most-used.jar",
				"lib/unused.jar");
		assertThat(Files.readAllLines(toShare)).contains("most/One id: 2", "independent/Two id: 6");
	}

	@Test
	void theDumpIsNotAskedForWhatItCannotArchive() throws IOException {
		jar("lib/signed.jar", "signed/One.class", "META-INF/SIGNER.SF");
		jar("lib/plain.jar", "plain/One.class");
		Path application = applicationJar("lib/signed.jar lib/plain.jar");

		Path toShare = prepare(application, "signed/One", "plain/One", "org/openimd/server/OpenImdApplication");

		assertThat(Files.readAllLines(toShare)).containsExactly("# the JVM's header", "java/lang/Object id: 0", "plain/One id: 2",
				"org/openimd/server/OpenImdApplication id: 3");
	}

	@Test
	void theApplicationJarKeepsItsContent() throws IOException {
		jar("lib/library.jar", "library/One.class");
		Path application = applicationJar("lib/library.jar");

		prepare(application, "library/One");

		try (JarFile rewritten = new JarFile(application.toFile())) {
			assertThat(rewritten.getManifest().getMainAttributes().getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("org.openimd.server.OpenImdApplication");
			assertThat(new String(rewritten.getInputStream(rewritten.getEntry("application.properties")).readAllBytes(), StandardCharsets.UTF_8))
					.isEqualTo("openimd.example=kept");
		}
	}

	/** Runs the preparation on a class list naming theClasses in order (ids from 1), as the JVM writes one. */
	private Path prepare(Path theApplication, String... theClasses) throws IOException {
		StringBuilder classList = new StringBuilder("# the JVM's header\njava/lang/Object id: 0\n");
		for (int i = 0; i < theClasses.length; i++) {
			classList.append(theClasses[i]).append(" id: ").append(i + 1).append('\n');
		}
		classList.append("@lambda-proxy most/One run ()Ljava/lang/Runnable; ()V 6 most/One lambda$0 ()V ()V\n");
		Path loaded = Files.writeString(layout.resolve("classes"), classList);
		Path toShare = layout.resolve("classes-to-share");
		PrepareClassSharing.main(new String[] {theApplication.toString(), loaded.toString(), toShare.toString()});
		assertThat(Files.readAllLines(toShare)).noneMatch(line -> line.startsWith("@lambda-proxy"));
		return toShare;
	}

	private Path applicationJar(String theClassPath) throws IOException {
		Manifest manifest = new Manifest();
		manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
		manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "org.openimd.server.OpenImdApplication");
		manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, theClassPath);
		Path application = layout.resolve("openimd-server.jar");
		try (OutputStream file = Files.newOutputStream(application); JarOutputStream jar = new JarOutputStream(file, manifest)) {
			jar.putNextEntry(new JarEntry("application.properties"));
			jar.write("openimd.example=kept".getBytes(StandardCharsets.UTF_8));
			jar.closeEntry();
		}
		return application;
	}

	private void jar(String thePath, String... theEntries) throws IOException {
		Path jarFile = layout.resolve(thePath);
		Files.createDirectories(jarFile.getParent());
		try (OutputStream file = Files.newOutputStream(jarFile); JarOutputStream jar = new JarOutputStream(file)) {
			for (String entry : theEntries) {
				jar.putNextEntry(new JarEntry(entry));
				jar.closeEntry();
			}
		}
	}

	private static List<String> classPath(Path theApplication) throws IOException {
		try (JarFile jar = new JarFile(theApplication.toFile())) {
			return List.of(jar.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH).split(" "));
		}
	}
}
