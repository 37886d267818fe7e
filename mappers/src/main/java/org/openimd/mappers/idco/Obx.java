package org.openimd.mappers.idco;

import ca.uhn.hl7v2.model.Composite;
import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v26.datatype.CWE;
import ca.uhn.hl7v2.model.v26.datatype.IS;
import ca.uhn.hl7v2.model.v26.segment.OBX;
import java.util.ArrayList;
import java.util.List;
import org.openimd.mappers.hl7v2.Hl7Location;

/**
 * One OBX segment, read once into plain strings.
 *
 * @param sequence the segment's position among the message's OBX segments (1-based), for ERR-2
 * @param values OBX-5 repetitions, each as its components (1-based: index 0 is component 1)
 */
record Obx(
		int sequence,
		String valueType,
		String code,
		String referenceId,
		String codingSystem,
		String alternateText,
		String subId,
		List<List<String>> values,
		String unit,
		List<String> abnormalFlags,
		String resultStatus,
		String observedAt,
		String equipment) {

	static Obx read(OBX theObx, int theSequence) {
		CWE identifier = theObx.getObx3_ObservationIdentifier();
		List<List<String>> values = new ArrayList<>();
		for (Varies value : theObx.getObx5_ObservationValue()) {
			values.add(components(value.getData()));
		}
		List<String> flags = new ArrayList<>();
		for (IS flag : theObx.getObx8_AbnormalFlags()) {
			String code = text(flag);
			if (!code.isEmpty()) {
				flags.add(code);
			}
		}
		return new Obx(
				theSequence,
				text(theObx.getObx2_ValueType()).toUpperCase(java.util.Locale.ROOT),
				text(identifier.getCwe1_Identifier()),
				text(identifier.getCwe2_Text()),
				text(identifier.getCwe3_NameOfCodingSystem()),
				text(identifier.getCwe5_AlternateText()),
				text(theObx.getObx4_ObservationSubID()),
				values,
				text(theObx.getObx6_Units().getCwe1_Identifier()),
				flags,
				text(theObx.getObx11_ObservationResultStatus()),
				text(theObx.getObx14_DateTimeOfTheObservation()),
				theObx.getObx18_EquipmentInstanceIdentifierReps() > 0
						? text(theObx.getObx18_EquipmentInstanceIdentifier(0).getEi1_EntityIdentifier())
						: "");
	}

	/** Component {@code theComponent} (1-based) of the first OBX-5 repetition, or "". */
	String value(int theComponent) {
		if (values.isEmpty() || values.get(0).size() < theComponent) {
			return "";
		}
		return values.get(0).get(theComponent - 1);
	}

	boolean hasValue() {
		return values.stream().flatMap(List::stream).anyMatch(component -> !component.isBlank());
	}

	Hl7Location location(int theField) {
		return Hl7Location.field("OBX", sequence, theField);
	}

	private static List<String> components(Type theType) {
		List<String> components = new ArrayList<>();
		if (theType instanceof Composite composite) {
			for (Type component : composite.getComponents()) {
				components.add(first(component));
			}
		} else {
			components.add(first(theType));
		}
		return components;
	}

	private static String first(Type theType) {
		if (theType instanceof Varies varies) {
			return first(varies.getData());
		}
		if (theType instanceof Primitive primitive) {
			return primitive.getValue() == null ? "" : primitive.getValue();
		}
		if (theType instanceof Composite composite && composite.getComponents().length > 0) {
			return first(composite.getComponents()[0]);
		}
		return "";
	}

	private static String text(Type theType) {
		return first(theType).strip();
	}
}
