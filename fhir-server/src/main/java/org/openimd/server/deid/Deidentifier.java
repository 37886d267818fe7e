package org.openimd.server.deid;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.fhirpath.IFhirPath;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.r4.model.Age;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.openimd.server.deid.DeidentificationProfile.Rule;
import org.openimd.terminology.OpenImdUris;

/**
 * Applies a {@link DeidentificationProfile} to a copy of a resource, as Microsoft's FHIR anonymizer
 * does: each rule selects nodes, and handles those no earlier rule handled. {@code redact} removes a
 * node (with the partial forms its parameters allow: a year, a ZIP3, an age under 90), or, when an
 * earlier rule kept some of its descendants, every descendant but those. {@code cryptoHash} replaces
 * an id, or the id part of a reference, by its HMAC-SHA256 under the server's key, so one resource
 * has one pseudonym in every resource and every export, and nobody without the key can link it back.
 * The result is labelled {@code ANONYED}; a patient whose birth date implies an age over 89 carries
 * the {@code age-90-or-older} extension instead.
 */
public class Deidentifier {

	/** HL7 v3 ObservationValue: "anonymized". */
	public static final Coding ANONYMIZED = new Coding("http://terminology.hl7.org/CodeSystem/v3-ObservationValue", "ANONYED", "anonymized");
	private static final Pattern NODES_BY_TYPE = Pattern.compile("^nodesByType\\('([A-Za-z]+)'\\)(?:\\.(.+))?$");
	private static final Pattern REFERENCE = Pattern.compile("^(.*?)([A-Z][A-Za-z]+)/([A-Za-z0-9\\-.]{1,64})(/_history/[A-Za-z0-9\\-.]{1,64})?$");
	private static final int OLDEST_REPORTED_AGE = 89;

	private final IFhirPath myFhirPath;
	private final DeidentificationProfile myProfile;
	private final SecretKeySpec myKey;
	private final Clock myClock;

	public Deidentifier(FhirContext theFhir, DeidentificationProfile theProfile, byte[] theHmacKey, Clock theClock) {
		myFhirPath = theFhir.newFhirPath();
		myProfile = theProfile;
		myKey = new SecretKeySpec(theHmacKey, "HmacSHA256");
		myClock = theClock;
	}

	public DeidentificationProfile profile() {
		return myProfile;
	}

	/** A de-identified copy of {@code theResource}; the resource itself is left as it is. */
	@SuppressWarnings("unchecked")
	public <T extends Resource> T deidentify(T theResource) {
		T copy = (T) theResource.copy();
		deidentifyInPlace(copy);
		return copy;
	}

	/** De-identifies {@code theResource} itself: for a copy made by someone else (an export file's). */
	public void deidentifyInPlace(Resource theResource) {
		Pass pass = new Pass(theResource);
		for (Rule rule : myProfile.fhirPathRules()) {
			for (Base node : select(rule.path(), theResource, pass)) {
				if (!pass.handled(node)) {
					apply(rule, node, pass);
				}
			}
		}
		theResource.getMeta().addSecurity(ANONYMIZED.copy());
		if (pass.overEightyNine && theResource instanceof Patient patient) {
			patient.addExtension(OpenImdUris.AGE_90_OR_OLDER_EXTENSION, new BooleanType(true));
		}
	}

	/** The pseudonym of {@code theId} (the id part of a reference, or a resource id): lowercase hex HMAC-SHA256, 64 characters. */
	public String pseudonym(String theId) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(myKey);
			return HexFormat.of().formatHex(mac.doFinal(theId.getBytes(StandardCharsets.UTF_8)));
		} catch (GeneralSecurityException e) {
			throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
		}
	}

	private List<Base> select(String thePath, Resource theRoot, Pass thePass) {
		if (thePath.equals("Resource.id")) {
			// FHIRPath answers a resource's id as a new string, not the element itself.
			return theRoot.hasIdElement() ? List.of(theRoot.getIdElement()) : List.of();
		}
		Matcher byType = NODES_BY_TYPE.matcher(thePath);
		if (!byType.matches()) {
			return myFhirPath.evaluate(theRoot, thePath, Base.class);
		}
		List<Base> selected = new ArrayList<>();
		for (Base node : thePass.nodesOfType(byType.group(1))) {
			if (byType.group(2) == null) {
				selected.add(node);
			} else {
				selected.addAll(myFhirPath.evaluate(node, byType.group(2), Base.class));
			}
		}
		return selected;
	}

	private void apply(Rule theRule, Base theNode, Pass thePass) {
		switch (theRule.method()) {
			case "keep" -> thePass.handle(theNode);
			case "redact" -> redact(theNode, thePass);
			case "cryptoHash" -> {
				if (theNode instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
					primitive.setValueAsString(hashed(theNode, primitive.getValueAsString()));
				}
				thePass.handle(theNode);
			}
			case "substitute" -> {
				((PrimitiveType<?>) theNode).setValueAsString(theRule.replaceWith());
				thePass.handle(theNode);
			}
			case "generalize" -> generalize(theRule, theNode, thePass);
			default -> throw new IllegalStateException("unknown method " + theRule.method());
		}
	}

	private String hashed(Base theNode, String theValue) {
		if (theNode instanceof IdType) {
			return pseudonym(new IdType(theValue).getIdPart());
		}
		if (theValue.startsWith("#")) {
			return theValue;
		}
		Matcher reference = REFERENCE.matcher(theValue);
		return reference.matches() ? reference.group(2) + "/" + pseudonym(reference.group(3)) : pseudonym(theValue);
	}

	private void generalize(Rule theRule, Base theNode, Pass thePass) {
		for (Map.Entry<String, String> generalized : theRule.cases().entrySet()) {
			List<BooleanType> condition = myFhirPath.evaluate(theNode, generalized.getKey(), BooleanType.class);
			if (!condition.isEmpty() && condition.get(0).booleanValue()) {
				List<Base> value = myFhirPath.evaluate(theNode, generalized.getValue(), Base.class);
				((PrimitiveType<?>) theNode).setValueAsString(value.isEmpty() ? null : value.get(0).primitiveValue());
				thePass.handle(theNode);
				return;
			}
		}
		if ("keep".equals(theRule.otherValues())) {
			thePass.handle(theNode);
		} else {
			redact(theNode, thePass);
		}
	}

	/** Removes the node, or its partial form where the parameters allow one; around descendants an earlier rule handled. */
	private void redact(Base theNode, Pass thePass) {
		if (thePass.hasHandledDescendant(theNode)) {
			for (Base child : thePass.children(theNode)) {
				if (!thePass.handled(child)) {
					redact(child, thePass);
				}
			}
			thePass.handle(theNode);
			return;
		}
		if (!partiallyRedacted(theNode, thePass)) {
			thePass.remove(theNode);
		}
		thePass.handle(theNode);
	}

	/** Whether the node keeps a partial form: the year of a date, the ZIP3 of a postal code, an age under 90. */
	private boolean partiallyRedacted(Base theNode, Pass thePass) {
		DeidentificationProfile.Parameters parameters = myProfile.parameters();
		if (theNode instanceof BaseDateTimeType date && !(theNode instanceof InstantType) && parameters.enablePartialDatesForRedact() && date.hasValue()) {
			if (LocalDate.now(myClock).getYear() - date.getYear() > OLDEST_REPORTED_AGE) {
				thePass.overEightyNine |= thePass.isBirthDate(theNode);
				return false;
			}
			date.setValueAsString(String.valueOf(date.getYear()));
			date.setPrecision(TemporalPrecisionEnum.YEAR);
			return true;
		}
		if (theNode instanceof StringType postalCode && thePass.isPostalCode(theNode) && parameters.enablePartialZipCodesForRedact()
				&& postalCode.hasValue() && postalCode.getValue().length() >= 3) {
			String zip3 = postalCode.getValue().substring(0, 3);
			postalCode.setValue(parameters.restrictedZipCodeTabulationAreas().contains(zip3) ? "000" : zip3);
			return true;
		}
		return theNode instanceof Age age && parameters.enablePartialAgesForRedact() && age.hasValue()
				&& age.getValue().intValue() <= OLDEST_REPORTED_AGE;
	}

	/** One resource's tree: each node's parent and the property holding it, and the nodes handled so far. */
	private static final class Pass {

		private record Place(Base parent, String property) {}

		private final Map<Base, Place> myPlaces = new IdentityHashMap<>();
		private final Set<Base> myHandled = Collections.newSetFromMap(new IdentityHashMap<>());
		private final Set<Base> myRemoved = Collections.newSetFromMap(new IdentityHashMap<>());
		private final Base myRoot;
		boolean overEightyNine;

		Pass(Base theRoot) {
			myRoot = theRoot;
			index(theRoot);
		}

		private void index(Base theNode) {
			for (Property property : theNode.children()) {
				for (Base child : property.getValues()) {
					if (child != null && !myPlaces.containsKey(child)) {
						myPlaces.put(child, new Place(theNode, property.getName()));
						index(child);
					}
				}
			}
		}

		List<Base> children(Base theNode) {
			List<Base> children = new ArrayList<>();
			theNode.children().forEach(property -> property.getValues().stream().filter(child -> child != null).forEach(children::add));
			return children;
		}

		List<Base> nodesOfType(String theType) {
			List<Base> nodes = new ArrayList<>();
			collect(myRoot, theType, nodes);
			return nodes;
		}

		private void collect(Base theNode, String theType, List<Base> theNodes) {
			if (theType.equals(theNode.fhirType())) {
				theNodes.add(theNode);
			}
			children(theNode).forEach(child -> collect(child, theType, theNodes));
		}

		/** Whether a rule has handled the node or a node it lies in. */
		boolean handled(Base theNode) {
			for (Base node = theNode; node != null; node = parent(node)) {
				if (myHandled.contains(node)) {
					return true;
				}
			}
			return false;
		}

		/** Whether a rule has kept (not removed) something inside the node. */
		boolean hasHandledDescendant(Base theNode) {
			return myHandled.stream().anyMatch(handled -> handled != theNode && !myRemoved.contains(handled) && liesIn(handled, theNode));
		}

		private boolean liesIn(Base theNode, Base theAncestor) {
			for (Base node = parent(theNode); node != null; node = parent(node)) {
				if (node == theAncestor) {
					return true;
				}
			}
			return false;
		}

		void handle(Base theNode) {
			myHandled.add(theNode);
		}

		void remove(Base theNode) {
			Place place = myPlaces.get(theNode);
			if (place != null) {
				place.parent().removeChild(place.property(), theNode);
			}
			myRemoved.add(theNode);
		}

		boolean isBirthDate(Base theNode) {
			Place place = myPlaces.get(theNode);
			return place != null && place.parent() instanceof Patient && place.property().equals("birthDate");
		}

		boolean isPostalCode(Base theNode) {
			Place place = myPlaces.get(theNode);
			return place != null && place.parent().fhirType().equals("Address") && place.property().equals("postalCode");
		}

		private Base parent(Base theNode) {
			Place place = myPlaces.get(theNode);
			return place == null ? null : place.parent();
		}
	}
}
