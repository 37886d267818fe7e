package org.openimd.server.similar;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;

/** A comparison method's parameters, kept as data with their reasons in the terminology module. */
final class MethodData {

	private final String myResource;
	private final Properties myValues = new Properties();

	private MethodData(String theResource) {
		myResource = theResource;
		try (InputStream in = MethodData.class.getResourceAsStream(theResource)) {
			if (in == null) {
				throw new IllegalStateException(theResource + " is missing from the classpath");
			}
			myValues.load(in);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	static MethodData load(String theResource) {
		return new MethodData(theResource);
	}

	String text(String theKey) {
		String value = myValues.getProperty(theKey);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(myResource + " has no " + theKey);
		}
		return value.trim();
	}

	double number(String theKey) {
		return Double.parseDouble(text(theKey));
	}

	/** The values whose keys start with {@code thePrefix}, by the rest of their key, in order. */
	SortedMap<String, String> startingWith(String thePrefix) {
		SortedMap<String, String> found = new TreeMap<>();
		myValues.stringPropertyNames().stream().filter(key -> key.startsWith(thePrefix))
				.forEach(key -> found.put(key.substring(thePrefix.length()), myValues.getProperty(key).trim()));
		return found;
	}

	/** Refuses the method with a reason naming where it is written. */
	IllegalStateException invalid(String theReason) {
		return new IllegalStateException(myResource + ": " + theReason);
	}
}
