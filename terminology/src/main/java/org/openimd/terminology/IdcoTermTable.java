package org.openimd.terminology;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The IEEE 11073-10103 IDC terms OpenIMD knows, read from {@code idco-terms.csv} (see
 * {@code idco-terms-SOURCE.md} beside it for where each row comes from and how far to trust it).
 *
 * <p>The table is checked as it is read: a malformed, duplicated or unnamed row stops start-up rather
 * than silently mapping an observation to the wrong term.
 */
public final class IdcoTermTable {

	static final String RESOURCE = "idco-terms.csv";

	private static final Pattern REFERENCE_ID = Pattern.compile("MDC_IDC_[A-Za-z0-9_]+");
	/** How the table says which term an enumeration value belongs to: "(enum value of 721280/721601)". */
	private static final Pattern ENUM_OF = Pattern.compile("^\\(enum value of ([0-9/]+)\\)");
	private static final Pattern NUMERIC_CODE = Pattern.compile("[1-9][0-9]*");
	private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder()
			.setHeader("term", "code", "unit", "description")
			.setSkipHeaderRecord(true)
			.get();

	private final List<IdcoTerm> myTerms;
	private final Map<String, IdcoTerm> myByCode;
	private final Map<String, IdcoTerm> myByReferenceId;
	private final Map<String, List<IdcoTerm>> myEnumerationsByTermCode;

	private IdcoTermTable(List<IdcoTerm> theTerms) {
		Map<String, IdcoTerm> byCode = new LinkedHashMap<>();
		Map<String, IdcoTerm> byReferenceId = new LinkedHashMap<>();
		for (IdcoTerm term : theTerms) {
			if (byCode.putIfAbsent(term.code(), term) != null) {
				throw new IllegalStateException("Code " + term.code() + " appears twice in " + RESOURCE);
			}
			if (byReferenceId.putIfAbsent(term.referenceId(), term) != null) {
				throw new IllegalStateException("Term " + term.referenceId() + " appears twice in " + RESOURCE);
			}
		}
		Map<String, List<IdcoTerm>> enumerations = new LinkedHashMap<>();
		for (IdcoTerm term : theTerms) {
			Matcher of = ENUM_OF.matcher(term.description());
			if (term.isEnumerationValue() && of.find()) {
				for (String termCode : of.group(1).split("/")) {
					enumerations.computeIfAbsent(termCode, code -> new ArrayList<>()).add(term);
				}
			}
		}
		myEnumerationsByTermCode = Collections.unmodifiableMap(enumerations);
		myTerms = List.copyOf(theTerms);
		myByCode = Collections.unmodifiableMap(byCode);
		myByReferenceId = Collections.unmodifiableMap(byReferenceId);
	}

	/** Reads the table shipped inside this module. */
	public static IdcoTermTable load() {
		try (InputStream in = IdcoTermTable.class.getResourceAsStream(RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException(RESOURCE + " is missing from the classpath");
			}
			return read(new InputStreamReader(in, StandardCharsets.UTF_8));
		} catch (IOException e) {
			throw new UncheckedIOException("Cannot read " + RESOURCE, e);
		}
	}

	static IdcoTermTable read(Reader theCsv) throws IOException {
		List<IdcoTerm> terms = new ArrayList<>();
		for (CSVRecord row : FORMAT.parse(theCsv)) {
			terms.add(toTerm(row));
		}
		return new IdcoTermTable(terms);
	}

	private static IdcoTerm toTerm(CSVRecord theRow) {
		if (!theRow.isConsistent()) {
			throw malformed(theRow, "expected 4 columns, found " + theRow.size());
		}
		String referenceId = theRow.get("term").strip();
		String code = theRow.get("code").strip();
		String unit = theRow.get("unit").strip();
		String description = theRow.get("description").strip();
		if (!REFERENCE_ID.matcher(referenceId).matches()) {
			throw malformed(theRow, "term '" + referenceId + "' is not an MDC_IDC reference ID");
		}
		if (!NUMERIC_CODE.matcher(code).matches()) {
			throw malformed(theRow, "code '" + code + "' is not a numeric 11073 code");
		}
		if (description.isEmpty()) {
			throw malformed(theRow, "term " + referenceId + " has no description");
		}
		return new IdcoTerm(referenceId, code, unit.isEmpty() ? Optional.empty() : Optional.of(unit), description);
	}

	private static IllegalStateException malformed(CSVRecord theRow, String theReason) {
		return new IllegalStateException(RESOURCE + " data row " + theRow.getRecordNumber() + ": " + theReason);
	}

	public List<IdcoTerm> terms() {
		return myTerms;
	}

	public Optional<IdcoTerm> byCode(String theCode) {
		return Optional.ofNullable(myByCode.get(theCode));
	}

	public Optional<IdcoTerm> byReferenceId(String theReferenceId) {
		return Optional.ofNullable(myByReferenceId.get(theReferenceId));
	}

	/**
	 * The enumeration value a sender meant for a coded term, whether it sent the numeric code
	 * ({@code 753666}), the reference ID or only its mnemonic ({@code ICD} for
	 * {@code MDC_IDC_ENUM_DEV_TYPE_ICD}), as pre-2012 and vendor messages do.
	 */
	public Optional<IdcoTerm> enumerationValue(String theTermCode, String theSent) {
		String sent = theSent.strip();
		Optional<IdcoTerm> byCode = byCode(sent).filter(IdcoTerm::isEnumerationValue);
		if (byCode.isPresent()) {
			return byCode;
		}
		String suffix = "_" + sent.toUpperCase(Locale.ROOT);
		List<IdcoTerm> matches = myEnumerationsByTermCode.getOrDefault(theTermCode, List.of()).stream()
				.filter(value -> value.referenceId().equalsIgnoreCase(sent)
						|| value.referenceId().toUpperCase(Locale.ROOT).endsWith(suffix))
				.toList();
		return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
	}
}
