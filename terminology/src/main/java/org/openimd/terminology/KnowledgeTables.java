package org.openimd.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * Knowledge kept as CSV tables beside a class (the intrathecal rules, the alert rules): read row by
 * row, every value checked as it is read, every row's sources checked against the folder's
 * {@code sources.csv}, so that a typo stops the start instead of changing a clinical check.
 */
public final class KnowledgeTables {

	private final Class<?> myAnchor;
	private final String myName;
	private final Set<String> myConfidences;
	private final Set<String> mySources;

	/**
	 * @param theAnchor the class the files sit beside
	 * @param theName what the tables are, for error messages ("intrathecal knowledge")
	 * @param theConfidences the confidence marks a row may carry
	 */
	public KnowledgeTables(Class<?> theAnchor, String theName, Set<String> theConfidences) {
		myAnchor = theAnchor;
		myName = theName;
		myConfidences = Set.copyOf(theConfidences);
		mySources = rows("sources.csv").stream().map(row -> row.get("id")).collect(Collectors.toCollection(TreeSet::new));
	}

	/** Where a value comes from: source tags ({@code S1}) and a confidence mark. */
	public record Citation(List<String> sources, String confidence) {

		@Override
		public String toString() {
			return (sources.isEmpty() ? "" : "[" + String.join("][", sources) + "] ") + confidence;
		}
	}

	public Properties properties(String theFile) {
		Properties properties = new Properties();
		try (InputStream in = open(theFile)) {
			properties.load(in);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
		return properties;
	}

	public List<CSVRecord> rows(String theFile) {
		try (InputStream in = open(theFile)) {
			List<CSVRecord> rows = new ArrayList<>();
			for (CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
					.parse(new InputStreamReader(in, StandardCharsets.UTF_8))) {
				if (!row.isConsistent()) {
					throw malformed(row, "expected " + row.getParser().getHeaderNames().size() + " columns, found " + row.size());
				}
				rows.add(row);
			}
			return rows;
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + theFile, e);
		}
	}

	/** The row's {@code source} (tags separated by {@code ;}, each in sources.csv) and {@code confidence}. */
	public Citation citation(CSVRecord theRow) {
		String confidence = theRow.get("confidence");
		if (!myConfidences.contains(confidence)) {
			throw malformed(theRow, "confidence must be one of " + new TreeSet<>(myConfidences) + ", not '" + confidence + "'");
		}
		List<String> sources = theRow.get("source").isEmpty() ? List.of() : Arrays.asList(theRow.get("source").split(";"));
		for (String source : sources) {
			if (!mySources.contains(source)) {
				throw malformed(theRow, "unknown source " + source);
			}
		}
		return new Citation(List.copyOf(sources), confidence);
	}

	public BigDecimal decimal(CSVRecord theRow, String theColumn) {
		return optionalDecimal(theRow, theColumn).orElseThrow(() -> malformed(theRow, theColumn + " is empty"));
	}

	public Optional<BigDecimal> optionalDecimal(CSVRecord theRow, String theColumn) {
		String value = theRow.get(theColumn);
		try {
			return value.isEmpty() ? Optional.empty() : Optional.of(new BigDecimal(value));
		} catch (NumberFormatException e) {
			throw malformed(theRow, theColumn + " '" + value + "' is not a number");
		}
	}

	/** {@code theValues} by {@code theKey}, each key once. */
	public <T> Map<String, T> index(List<T> theValues, Function<T, String> theKey) {
		Map<String, T> index = new LinkedHashMap<>();
		theValues.forEach(value -> unique(index, theKey.apply(value), value, "id"));
		return index;
	}

	public <T> void unique(Map<String, T> theIndex, String theKey, T theValue, String theWhat) {
		if (theIndex.putIfAbsent(theKey, theValue) != null) {
			throw new IllegalStateException(myName + ": " + theWhat + " '" + theKey + "' given twice");
		}
	}

	public String required(String theValue, String theProblem) {
		if (theValue == null || theValue.isBlank()) {
			throw new IllegalStateException(myName + ": " + theProblem);
		}
		return theValue;
	}

	public IllegalStateException malformed(CSVRecord theRow, String theReason) {
		return new IllegalStateException(myName + ", data row " + theRow.getRecordNumber() + ": " + theReason);
	}

	private InputStream open(String theFile) {
		InputStream in = myAnchor.getResourceAsStream(theFile);
		if (in == null) {
			throw new IllegalStateException(theFile + " is missing from the classpath beside " + myAnchor.getName());
		}
		return in;
	}
}
