package org.openimd.ig;

import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleEntryRequestComponent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Profile validation of transaction bundles that come in a small number of shapes, as a mapper's do:
 * HAPI's validator runs in full on a bundle with anything not seen before, and a bundle made only of
 * entries already found conformant is accepted on a comparison of shapes, about a hundred times
 * cheaper.
 *
 * <p>An entry's shape is everything the validator's verdict on it can depend on: every element path
 * and type; every value the guide or FHIR constrains by value (codes, systems, displays, URLs,
 * profiles); for every other primitive, the class the validator tells apart (a date's precision and
 * time zone, an id's syntax, a positive or non-positive {@code positiveInt}, a string with edge
 * whitespace, control characters or over a megabyte); whether a Period or Range runs forwards
 * (R4's per-1 and rng-2); and for a reference within the bundle, the type and profiles of what it
 * resolves to. A repeating element is the distinct shapes of its items, each once or more than once:
 * the guide bounds elements and slices only to a minimum of 0 or 1 and a maximum of 0, 1 or many,
 * and slices only extensions, by URL ({@code ShapeCheckedValidatorTest} holds it to that), so the
 * count of every slice is within its bounds for each array of such a description or for none. A
 * reference's target is checked only against FHIR's own profile of its type (the guide names no
 * other target profile), which every target that passed on its own meets. An Observation's
 * components are shapes of their own, and their number counts up to {@value
 * #COMPONENTS_COUNTED_UP_TO}, the largest minimum the guide sets on them. Narrative is kept whole.
 * Across entries, the bundle's own shape records whether its fullUrls are unique (bdl-7).
 *
 * <p>Shapes are remembered only from bundles the validator passed without an error, at most
 * {@code theMaxShapes}; beyond that, new shapes are validated in full every time.
 */
public final class ShapeCheckedValidator {

	private static final Pattern URN_UUID = Pattern.compile("urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
	private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
	private static final Pattern RELATIVE_REFERENCE = Pattern.compile("([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}(/_history/[A-Za-z0-9\\-.]{1,64})?");
	private static final Pattern DIGIT = Pattern.compile("[0-9]");
	private static final Pattern CONTROL_CHARACTER = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]");
	private static final int STRING_LIMIT = 1024 * 1024;
	/** The pump profiles ask for at least two components; beyond that, how many makes no difference to any profile. */
	static final int COMPONENTS_COUNTED_UP_TO = 2;
	/** Types whose values are kept literally: codes and identifiers of definitions, which profiles and bindings constrain. */
	private static final Set<String> LITERAL_TYPES = Set.of("code", "boolean", "uri", "url", "canonical", "oid", "uuid", "xhtml");

	private final FhirValidator myValidator;
	private final int myMaxShapes;
	private final Set<String> myConformantShapes = ConcurrentHashMap.newKeySet();

	public ShapeCheckedValidator(FhirValidator theValidator, int theMaxShapes) {
		myValidator = theValidator;
		myMaxShapes = theMaxShapes;
	}

	/** The validator's messages of severity error or worse for {@code theBundle}; none when every shape in it has passed before. */
	public List<SingleValidationMessage> errors(Bundle theBundle) {
		List<String> shapes = shapesOf(theBundle);
		if (myConformantShapes.containsAll(shapes)) {
			return List.of();
		}
		List<SingleValidationMessage> errors = myValidator.validateWithResult(theBundle).getMessages().stream()
				.filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.toList();
		if (errors.isEmpty() && myConformantShapes.size() + shapes.size() <= myMaxShapes) {
			myConformantShapes.addAll(shapes);
		}
		return errors;
	}

	/** How many shapes have been found conformant so far. */
	public int knownShapes() {
		return myConformantShapes.size();
	}

	/** The bundle's own shape, then one per entry; each as a digest. */
	static List<String> shapesOf(Bundle theBundle) {
		Map<String, Resource> entries = new HashMap<>();
		Set<String> fullUrls = new HashSet<>();
		boolean uniqueFullUrls = true;
		for (BundleEntryComponent entry : theBundle.getEntry()) {
			if (entry.hasFullUrl()) {
				uniqueFullUrls &= fullUrls.add(entry.getFullUrl());
				if (entry.hasResource()) {
					entries.put(entry.getFullUrl(), entry.getResource());
				}
			}
		}
		Describer describer = new Describer(entries);
		List<String> shapes = new ArrayList<>();
		StringBuilder frame = new StringBuilder("Bundle");
		frame.append(uniqueFullUrls ? "" : ":repeated-fullUrl").append(theBundle.getEntry().isEmpty() ? ":empty" : "");
		for (Property property : theBundle.children()) {
			if (!property.getName().equals("entry")) {
				describer.property(property, frame);
			}
		}
		shapes.add(digest(frame));
		for (BundleEntryComponent entry : theBundle.getEntry()) {
			StringBuilder shape = new StringBuilder("entry");
			describer.element(entry, shape);
			shapes.add(digest(shape));
		}
		new HashSet<>(describer.components).forEach(component -> shapes.add(digest(component)));
		return shapes;
	}

	private static String digest(CharSequence theShape) {
		try {
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(theShape.toString().getBytes(StandardCharsets.UTF_8)));
		} catch (NoSuchAlgorithmException e) {
			throw new IllegalStateException("every Java runtime has SHA-256", e);
		}
	}

	/**
	 * Writes shapes; knows the bundle's entries by fullUrl to describe the references between them,
	 * and keeps each component of an Observation as a shape of its own.
	 */
	private static final class Describer {

		private final Map<String, Resource> entries;
		private final List<String> components = new ArrayList<>();

		Describer(Map<String, Resource> theEntries) {
			entries = theEntries;
		}

		void element(Base theElement, StringBuilder theShape) {
			theShape.append(theElement.fhirType()).append('{');
			if (theElement instanceof Narrative narrative) {
				theShape.append(narrative.getStatusAsString()).append(':').append(narrative.getDivAsString());
			}
			if (theElement instanceof Period period && period.hasStart() && period.hasEnd() && period.getStart().after(period.getEnd())) {
				theShape.append("reversed;");
			}
			if (theElement instanceof Range range && range.getLow().hasValue() && range.getHigh().hasValue()
					&& range.getLow().getValue().compareTo(range.getHigh().getValue()) > 0) {
				theShape.append("reversed;");
			}
			for (Property property : theElement.children()) {
				if (theElement instanceof Resource resource && property.getName().equals("id") && resource.hasIdElement()
						&& URN_UUID.matcher(resource.getIdElement().getValue()).matches()) {
					// HAPI's parser, as the validator encodes the bundle, gives each entry's resource its fullUrl
					// as id, and leaves such an id out of what it writes: the validator never sees it.
					continue;
				}
				if (theElement instanceof Reference reference && property.getName().equals("reference")) {
					theShape.append("reference=").append(reference(reference.getReference())).append(';');
				} else if (theElement instanceof BundleEntryRequestComponent request && property.getName().equals("url")) {
					theShape.append("url=").append(reference(request.getUrl())).append(';');
				} else if (theElement instanceof Observation observation && property.getName().equals("component")) {
					components(observation, theShape);
				} else if (theElement instanceof Coding && property.getName().equals("display")) {
					theShape.append("display=").append(((Coding) theElement).getDisplay()).append(';');
				} else {
					property(property, theShape);
				}
			}
			theShape.append('}');
		}

		/**
		 * An IDCO observation holds one component per reported value, so that the set differs from one
		 * interrogation to the next; each component is judged on its own, in the context of its
		 * observation's code and profiles. No constraint of R4 or the guide relates one component to
		 * another, and obs-7 relates each to the observation's code, which is in that context.
		 */
		private void components(Observation theObservation, StringBuilder theShape) {
			List<Observation.ObservationComponentComponent> items = theObservation.getComponent();
			if (items.isEmpty()) {
				return;
			}
			theShape.append("component=").append(items.size() > COMPONENTS_COUNTED_UP_TO ? "more" : items.size()).append(';');
			StringBuilder context = new StringBuilder("component of ");
			value(theObservation.getCode(), context);
			theObservation.getMeta().getProfile().forEach(profile -> context.append(profile.getValue()).append(','));
			for (Observation.ObservationComponentComponent item : items) {
				StringBuilder component = new StringBuilder(context).append(':');
				element(item, component);
				components.add(component.toString());
			}
		}

		void property(Property theProperty, StringBuilder theShape) {
			// An empty element is not encoded, so the validator never sees it (HAPI's parser adds an empty Meta as it encodes).
			List<Base> values = theProperty.getValues().stream().filter(value -> !value.isEmpty()).toList();
			if (values.isEmpty()) {
				return;
			}
			theShape.append(theProperty.getName()).append('=');
			if (values.size() == 1) {
				value(values.get(0), theShape);
			} else {
				Map<String, Integer> distinct = new TreeMap<>();
				for (Base value : values) {
					StringBuilder item = new StringBuilder();
					value(value, item);
					distinct.merge(item.toString(), 1, Integer::sum);
				}
				distinct.forEach((item, count) -> theShape.append(item).append(count == 1 ? "|" : "+|"));
			}
			theShape.append(';');
		}

		private void value(Base theValue, StringBuilder theShape) {
			if (theValue instanceof PrimitiveType<?> primitive) {
				theShape.append(primitive.fhirType()).append(':').append(primitiveClass(primitive));
				if (primitive.hasId() || primitive.hasExtension()) {
					element(primitive, theShape);
				}
			} else {
				element(theValue, theShape);
			}
		}

		/** A reference, or a transaction entry's URL: whom it resolves to within the bundle, or its form. */
		private String reference(String theReference) {
			if (theReference == null) {
				return "";
			}
			if (URN_UUID.matcher(theReference).matches()) {
				Resource target = entries.get(theReference);
				return target == null ? "urn:uuid->unresolved"
						: "urn:uuid->" + target.fhirType() + target.getMeta().getProfile().stream().map(CanonicalType::getValue).toList();
			}
			int query = theReference.indexOf('?');
			if (query > 0) {
				return theReference.substring(0, query) + "?" + new TreeSet<>(List.of(theReference.substring(query + 1).replaceAll("=[^&]*", "").split("&")));
			}
			var relative = RELATIVE_REFERENCE.matcher(theReference);
			if (relative.matches()) {
				return relative.group(1) + (relative.group(2) == null ? "/id" : "/id/_history/id");
			}
			return theReference;
		}
	}

	/** What of a primitive's value the validator's verdict can turn on. */
	private static String primitiveClass(PrimitiveType<?> thePrimitive) {
		String value = thePrimitive.getValueAsString();
		if (value == null) {
			return "absent";
		}
		String type = thePrimitive.fhirType();
		if (LITERAL_TYPES.contains(type)) {
			return URN_UUID.matcher(value).matches() ? "urn:uuid" : value;
		}
		return switch (type) {
			case "date", "dateTime", "instant", "time" -> DIGIT.matcher(value).replaceAll("d");
			case "id" -> FHIR_ID.matcher(value).matches() ? "valid" : value;
			case "positiveInt" -> ((IntegerType) thePrimitive).getValue() > 0 ? "positive" : value;
			case "unsignedInt" -> ((IntegerType) thePrimitive).getValue() >= 0 ? "unsigned" : value;
			case "integer", "decimal", "integer64" -> "number";
			case "base64Binary" -> "base64";
			case "string", "markdown" -> textClass(value);
			default -> value;
		};
	}

	/** What the validator tells apart in text: emptiness, whitespace at either end, control characters, excess length. */
	private static String textClass(String theValue) {
		StringBuilder textClass = new StringBuilder();
		if (theValue.isEmpty()) {
			textClass.append("empty");
		} else if (!theValue.equals(theValue.strip())) {
			textClass.append("edge-whitespace");
		}
		if (CONTROL_CHARACTER.matcher(theValue).find()) {
			textClass.append("control");
		}
		if (theValue.length() > STRING_LIMIT) {
			textClass.append("long");
		}
		return textClass.toString();
	}
}
