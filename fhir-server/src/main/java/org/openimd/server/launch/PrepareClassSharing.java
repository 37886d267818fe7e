package org.openimd.server.launch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Run by {@code src/main/launcher/prepare-launch.sh} between the training start and the class-data-sharing
 * dump, from the application jar (a JRE has no compiler to run it as a source file): puts the libraries the
 * server loads most classes from first on the application jar's class path, and writes the list of classes
 * for the dump.
 *
 * <p>The class path is searched jar by jar for every class; the server's most used libraries (Hibernate,
 * Byte Buddy, H2) sat near the end of its 287 jars, so each of their classes was looked for in some 270
 * jars first. The class-data-sharing dump runs that search interpreted (the JVM switches its compilers off
 * while dumping), and the search was most of the dump's time.
 *
 * <p>The order changes nothing a lookup finds: jars that hold an entry of the same name (a class, a
 * service registration, a {@code spring.factories}) keep their relative order, so the first match and the
 * order of all matches stay as they were. Left out of that comparison are what no code looks up on the class
 * path (manifests, {@code module-info}, the licence and notice texts that most jars carry under the same
 * names, which would otherwise chain nearly all jars in their old order) and directory entries: a scan of a
 * package spread over several jars may meet them in another order, which none of the server's scans
 * depends on.
 *
 * <p>The list for the dump leaves out what the JDK 17 dump cannot archive: lambda-proxy entries (it crashes
 * archiving them: SIGSEGV in {@code adjust_lambda_proxy_class_dictionary}) and classes of signed jars (it
 * skips them, after loading each and checking its jar's signature, interpreted too).
 *
 * <pre>
 * java -cp &lt;application jar&gt; org.openimd.server.launch.PrepareClassSharing \
 *     &lt;application jar&gt; &lt;classes loaded, from -XX:DumpLoadedClassList&gt; &lt;classes to share, written&gt;
 * </pre>
 */
public final class PrepareClassSharing {

	private static final Pattern LEGAL_TEXT = Pattern.compile("(?i)(META-INF/)?[^/]*(LICENSE|NOTICE|DEPENDENCIES|COPYRIGHT|ASL-|LGPL-)[^/]*");

	private final List<String> myClassPath;
	/** For each name looked up on the class path, the first jar (index into the class path) holding it. */
	private final Map<String, Integer> myFirstJarOfEntry = new HashMap<>();
	/** For each jar, the jars that must stay after it. */
	private final List<Set<Integer>> myMustPrecede = new ArrayList<>();
	private final Set<Integer> mySignedJars = new HashSet<>();

	private PrepareClassSharing(Path theApplicationJar, List<String> theClassPath) throws IOException {
		myClassPath = theClassPath;
		Map<String, Integer> lastJarOfEntry = new HashMap<>();
		for (int jarIndex = 0; jarIndex < theClassPath.size(); jarIndex++) {
			myMustPrecede.add(new HashSet<>());
			try (ZipFile jar = new ZipFile(theApplicationJar.resolveSibling(theClassPath.get(jarIndex)).toFile())) {
				for (ZipEntry entry : jar.stream().toList()) {
					String name = entry.getName();
					if (name.startsWith("META-INF/") && name.endsWith(".SF")) {
						mySignedJars.add(jarIndex);
					}
					if (entry.isDirectory() || name.equals(JarFile.MANIFEST_NAME) || name.endsWith("module-info.class")
							|| LEGAL_TEXT.matcher(name).matches()) {
						continue;
					}
					myFirstJarOfEntry.putIfAbsent(name, jarIndex);
					Integer earlier = lastJarOfEntry.put(name, jarIndex);
					if (earlier != null && earlier != jarIndex) {
						myMustPrecede.get(earlier).add(jarIndex);
					}
				}
			}
		}
	}

	public static void main(String[] theArgs) throws IOException {
		Path applicationJar = Path.of(theArgs[0]);
		Manifest manifest;
		try (JarFile jar = new JarFile(applicationJar.toFile())) {
			manifest = new Manifest(jar.getManifest());
		}
		List<String> classPath = Arrays.asList(manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH).trim().split("\\s+"));
		PrepareClassSharing preparation = new PrepareClassSharing(applicationJar, classPath);
		int[] classesLoaded = new int[classPath.size()];
		List<String> classesToShare = new ArrayList<>();
		for (String line : Files.readAllLines(Path.of(theArgs[1]))) {
			Integer jarIndex = preparation.jarOfListedClass(line);
			if (line.startsWith("@lambda-proxy") || jarIndex != null && preparation.mySignedJars.contains(jarIndex)) {
				continue;
			}
			if (jarIndex != null) {
				classesLoaded[jarIndex]++;
			}
			classesToShare.add(line);
		}
		Files.write(Path.of(theArgs[2]), classesToShare);
		manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", preparation.mostUsedFirst(classesLoaded)));
		rewriteManifest(applicationJar, manifest);
	}

	/** The library a line of the class list names a class of; null for the JDK's and the application's own. */
	private Integer jarOfListedClass(String theLine) {
		if (theLine.isBlank() || theLine.startsWith("#") || theLine.startsWith("@")) {
			return null;
		}
		return myFirstJarOfEntry.get(theLine.split(" ", 2)[0] + ".class");
	}

	/** The class path, jars with more classes loaded first, as far as the jars that must keep their order allow. */
	private List<String> mostUsedFirst(int[] theClassesLoaded) {
		int[] mustFollowCount = new int[myClassPath.size()];
		myMustPrecede.forEach(later -> later.forEach(jarIndex -> mustFollowCount[jarIndex]++));
		PriorityQueue<Integer> ready = new PriorityQueue<>(
				Comparator.<Integer>comparingInt(jarIndex -> -theClassesLoaded[jarIndex]).thenComparingInt(jarIndex -> jarIndex));
		for (int jarIndex = 0; jarIndex < myClassPath.size(); jarIndex++) {
			if (mustFollowCount[jarIndex] == 0) {
				ready.add(jarIndex);
			}
		}
		List<String> ordered = new ArrayList<>();
		while (!ready.isEmpty()) {
			int jarIndex = ready.poll();
			ordered.add(myClassPath.get(jarIndex));
			for (int later : myMustPrecede.get(jarIndex)) {
				if (--mustFollowCount[later] == 0) {
					ready.add(later);
				}
			}
		}
		return ordered;
	}

	private static void rewriteManifest(Path theJar, Manifest theManifest) throws IOException {
		Path rewritten = theJar.resolveSibling(theJar.getFileName() + ".reordered");
		try (JarFile original = new JarFile(theJar.toFile());
				OutputStream file = Files.newOutputStream(rewritten);
				JarOutputStream copy = new JarOutputStream(file, theManifest)) {
			for (JarEntry entry : original.stream().toList()) {
				if (!entry.getName().equals(JarFile.MANIFEST_NAME)) {
					copy.putNextEntry(new JarEntry(entry.getName()));
					original.getInputStream(entry).transferTo(copy);
					copy.closeEntry();
				}
			}
		}
		Files.move(rewritten, theJar, StandardCopyOption.REPLACE_EXISTING);
	}
}
