package org.openimd.mappers.idco;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import org.openimd.mappers.hl7v2.Hl7DateTimes;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;
import org.openimd.terminology.IdcoTerm;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Loinc;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * Turns one OBX into an IdcoObservation component: its MDC code, its value typed by OBX-2 (and by
 * the term where a sender mistyped it), its OBX-8 flags. What it cannot understand it keeps as sent
 * and reports.
 */
final class ComponentValues {

	/** HL7 v2 coding-system names that mean the 11073 nomenclature; older IDCO senders write MDC_IDC. */
	private static final List<String> MDC_CODING_SYSTEMS = List.of("MDC", "MDC_IDC");

	private final IdcoTermTable myTerms;
	private final ZoneId mySenderZone;
	private final List<MappingIssue> myIssues;

	ComponentValues(IdcoTermTable theTerms, ZoneId theSenderZone, List<MappingIssue> theIssues) {
		myTerms = theTerms;
		mySenderZone = theSenderZone;
		myIssues = theIssues;
	}

	/** The term an OBX reports, when OpenIMD knows it. */
	Optional<IdcoTerm> termOf(Obx theObx) {
		Optional<IdcoTerm> byCode = myTerms.byCode(theObx.code());
		if (byCode.isPresent()) {
			return byCode;
		}
		// A sender that left the code out may still name the term, perhaps by its pre-2012 name.
		String referenceId = theObx.referenceId().replace(Mdc.LEGACY_DEVICE_PREFIX, Mdc.DEVICE_PREFIX);
		return myTerms.byReferenceId(referenceId);
	}

	ObservationComponentComponent toComponent(Obx theObx) throws MessageRejectedException {
		ObservationComponentComponent component = new ObservationComponentComponent();
		Optional<IdcoTerm> term = termOf(theObx);
		component.setCode(new CodeableConcept(code(theObx, term)));
		if (!theObx.subId().isEmpty()) {
			component.addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new org.hl7.fhir.r4.model.IntegerType(instance(theObx)));
		}
		for (String flag : theObx.abnormalFlags()) {
			component.addInterpretation(new CodeableConcept(new Coding(OpenImdUris.V2_ABNORMAL_FLAGS, flag, null)));
		}
		if (theObx.hasValue()) {
			component.setValue(value(theObx, term));
		} else {
			// OBX-8 NI, NAV or OFF (or OBX-11 N/X) say why there is no value; the flags are kept above.
			component.getDataAbsentReason().addCoding()
					.setSystem("http://terminology.hl7.org/CodeSystem/data-absent-reason")
					.setCode("unknown");
		}
		return component;
	}

	int instance(Obx theObx) throws MessageRejectedException {
		try {
			return Integer.parseInt(theObx.subId());
		} catch (NumberFormatException e) {
			throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.DATA_TYPE_ERROR, theObx.location(4),
					"OPENIMD-1105", "OBX-4 '" + theObx.subId() + "' is not an IDCO instance number");
		}
	}

	private Coding code(Obx theObx, Optional<IdcoTerm> theTerm) {
		if (theTerm.isPresent()) {
			if (!MDC_CODING_SYSTEMS.contains(theObx.codingSystem().toUpperCase(Locale.ROOT))) {
				warn(theObx, 3, "OPENIMD-1102", "coding system '" + theObx.codingSystem() + "' read as MDC: code "
						+ theObx.code() + " and name " + theObx.referenceId() + " are an MDC term");
			}
			return new Coding(Mdc.SYSTEM, theTerm.get().code(), theTerm.get().referenceId());
		}
		if (MDC_CODING_SYSTEMS.contains(theObx.codingSystem().toUpperCase(Locale.ROOT))) {
			warn(theObx, 3, "OPENIMD-1101", "MDC code " + theObx.code() + " (" + theObx.referenceId()
					+ ") is not in OpenIMD's term table; kept as sent");
			return new Coding(Mdc.SYSTEM, theObx.code(), theObx.referenceId());
		}
		warn(theObx, 3, "OPENIMD-1103", "code " + theObx.code() + " of coding system '" + theObx.codingSystem()
				+ "' is not an IDCO term; kept as sent");
		return localCoding(theObx.codingSystem(), theObx.code(), theObx.referenceId());
	}

	private Type value(Obx theObx, Optional<IdcoTerm> theTerm) throws MessageRejectedException {
		String declared = theObx.valueType();
		Optional<String> expected = theTerm.flatMap(IdcoTerm::hl7ValueType);
		// Senders have been seen sending date-times typed NM; a term defined as DTM wins if the value is one.
		if (expected.filter("DTM"::equals).isPresent() && !declared.equals("DTM")) {
			Optional<Hl7DateTimes.Converted> asDateTime = Hl7DateTimes.toFhir(theObx.value(1), mySenderZone);
			if (asDateTime.isPresent()) {
				warn(theObx, 2, "OPENIMD-1202", "value typed " + declared + " read as the DTM its term is defined with");
				return dateTime(theObx, asDateTime.get());
			}
		}
		return switch (declared) {
			case "NM" -> quantity(theObx, theObx.value(1), null);
			case "SN" -> structuredNumeric(theObx);
			case "CWE", "CNE", "CE" -> codeableConcept(theObx, theTerm);
			case "DTM", "DT", "TS" -> dateTime(theObx, Hl7DateTimes.toFhir(theObx.value(1), mySenderZone)
					.orElseThrow(() -> dataTypeError(theObx, "OPENIMD-1203", "'" + theObx.value(1) + "' is not an HL7 date/time")));
			case "ST", "TX", "FT", "ID", "IS" -> new StringType(theObx.values().stream()
					.map(components -> components.isEmpty() ? "" : components.get(0))
					.collect(Collectors.joining("\n")));
			default -> {
				warn(theObx, 2, "OPENIMD-1204", "value type " + declared + " kept as text");
				yield new StringType(String.join("^", theObx.values().get(0)));
			}
		};
	}

	private Type dateTime(Obx theObx, Hl7DateTimes.Converted theConverted) {
		if (theConverted.zoneAssumed()) {
			warn(theObx, 5, "OPENIMD-1205", "time without a zone offset read in the sender's configured zone " + mySenderZone);
		}
		return theConverted.value();
	}

	private Quantity quantity(Obx theObx, String theNumber, Quantity.QuantityComparator theComparator)
			throws MessageRejectedException {
		BigDecimal number;
		try {
			number = new BigDecimal(theNumber.strip());
		} catch (NumberFormatException e) {
			throw dataTypeError(theObx, "OPENIMD-1201", "NM value '" + theNumber + "' is not a number");
		}
		Quantity quantity = new Quantity().setValue(number).setComparator(theComparator);
		if (!theObx.unit().isEmpty()) {
			quantity.setUnit(theObx.unit()).setSystem(OpenImdUris.UCUM).setCode(theObx.unit());
		}
		return quantity;
	}

	/** SN: comparator ^ number ^ separator ^ number; a range (-) or a ratio (: or /). */
	private Type structuredNumeric(Obx theObx) throws MessageRejectedException {
		String comparator = theObx.value(1);
		String separator = theObx.value(3);
		if (separator.isEmpty()) {
			return quantity(theObx, theObx.value(2), comparator(theObx, comparator));
		}
		Quantity low = quantity(theObx, theObx.value(2), null);
		Quantity high = quantity(theObx, theObx.value(4), null);
		if (separator.equals("-")) {
			return new Range().setLow(low).setHigh(high);
		}
		return new Ratio().setNumerator(low).setDenominator(high.setUnit(null).setSystem(null).setCode(null));
	}

	private Quantity.QuantityComparator comparator(Obx theObx, String theComparator) throws MessageRejectedException {
		return switch (theComparator) {
			case "", "=" -> null;
			case "<" -> Quantity.QuantityComparator.LESS_THAN;
			case "<=" -> Quantity.QuantityComparator.LESS_OR_EQUAL;
			case ">" -> Quantity.QuantityComparator.GREATER_THAN;
			case ">=" -> Quantity.QuantityComparator.GREATER_OR_EQUAL;
			default -> throw dataTypeError(theObx, "OPENIMD-1206", "SN comparator '" + theComparator + "' is not one of < <= > >= =");
		};
	}

	private CodeableConcept codeableConcept(Obx theObx, Optional<IdcoTerm> theTerm) {
		String sent = theObx.value(1);
		String text = theObx.value(2);
		CodeableConcept concept = new CodeableConcept();
		Optional<IdcoTerm> enumeration = theTerm.flatMap(term -> myTerms.enumerationValue(term.code(), sent));
		if (enumeration.isPresent()) {
			concept.addCoding(new Coding(Mdc.SYSTEM, enumeration.get().code(), enumeration.get().referenceId()));
		} else {
			warn(theObx, 5, "OPENIMD-1104", "coded value '" + sent + "' is not an enumeration OpenIMD knows for "
					+ theObx.referenceId() + "; kept as sent");
			concept.addCoding(localCoding(theObx.value(3).isEmpty() ? "mnemonic" : theObx.value(3), sent, text.isEmpty() ? null : text));
		}
		String originalText = theObx.value(9);
		concept.setText(!originalText.isEmpty() ? originalText : text.isEmpty() ? null : text);
		return concept;
	}

	/** A code as the sender wrote it, under a system that says which v2 coding system it came from. */
	static Coding localCoding(String theCodingSystem, String theCode, String theDisplay) {
		if (theCodingSystem.equalsIgnoreCase("LN")) {
			return new Coding(Loinc.SYSTEM, theCode, theDisplay);
		}
		String system = OpenImdUris.HL7V2_LOCAL_CODE_BASE
				+ java.net.URLEncoder.encode(theCodingSystem.isEmpty() ? "none" : theCodingSystem, java.nio.charset.StandardCharsets.UTF_8);
		return new Coding(system, theCode, theDisplay);
	}

	private void warn(Obx theObx, int theField, String theCode, String theText) {
		myIssues.add(new MappingIssue(theCode, theObx.location(theField), theText));
	}

	private static MessageRejectedException dataTypeError(Obx theObx, String theCode, String theText) {
		return new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.DATA_TYPE_ERROR, theObx.location(5), theCode, theText);
	}
}
