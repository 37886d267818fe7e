package org.openimd.mappers.idco;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openimd.mappers.hl7v2.Er7;
import org.openimd.mappers.hl7v2.Hl7ErrorCode;
import org.openimd.mappers.hl7v2.Hl7Location;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.mappers.hl7v2.MessageRejectedException.Disposition;

/**
 * An ORU^R01 read by what its segments mean rather than where HL7's group model expects them, before
 * HAPI's structure parser sees it: real exports put NTE after PV1, add Z-segments, repeat PV1 or send
 * the observations before their only OBR, and HAPI's strict grouping would then file the OBR where
 * nobody finds it. The patient (PID), the visit (the first PV1), each order (ORC, OBR) and its
 * observations (OBX) are laid out in the standard order; what carries nothing the mapping reads (NTE,
 * Z-segments, further PV1s, anything else) is left out. Each irregularity becomes a warning; the raw
 * message keeps everything. Only what cannot be told apart without guessing is refused: two headers
 * or two patients (two messages run together), or observations before the first of several orders.
 */
final class SegmentOrder {

	/** OPENIMD's code for a warning about the order or kind of segments. */
	static final String IRREGULAR = "OPENIMD-1014";
	private static final Set<String> READ = Set.of("MSH", "PID", "PV1", "ORC", "OBR", "OBX");

	/** The message laid out in the standard order, and what had to be done to it. */
	record Laid(String message, List<MappingIssue> issues) {}

	private SegmentOrder() {}

	static Laid lay(String theMessage) throws MessageRejectedException {
		String[] segments = Er7.normalizeSegmentSeparators(theMessage).split(String.valueOf(Er7.SEGMENT_SEPARATOR));
		List<MappingIssue> issues = new ArrayList<>();
		Map<String, Integer> seen = new LinkedHashMap<>();
		String header = null;
		String patient = null;
		String visit = null;
		List<String> beforeFirstOrder = new ArrayList<>();
		List<List<String>> orders = new ArrayList<>();
		List<String> pendingOrc = new ArrayList<>();
		for (String segment : segments) {
			if (segment.isBlank()) {
				continue;
			}
			String name = segment.length() >= 3 ? segment.substring(0, 3) : segment;
			int occurrence = seen.merge(name, 1, Integer::sum);
			Hl7Location where = Hl7Location.segment(name, occurrence);
			switch (READ.contains(name) ? name : "") {
				case "MSH" -> {
					if (header != null) {
						throw new MessageRejectedException(Disposition.REJECT, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, where, "OPENIMD-1015",
								"the message has a second MSH segment: two messages sent as one, which cannot be told apart");
					}
					header = segment;
				}
				case "PID" -> {
					if (patient != null) {
						throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, where, "OPENIMD-1015",
								"the message has more than one PID segment, so its observations cannot be told to one patient");
					}
					patient = segment;
				}
				case "PV1" -> {
					if (visit == null) {
						visit = segment;
					} else {
						issues.add(new MappingIssue(IRREGULAR, where, "a second PV1 segment; the first one is read"));
					}
				}
				case "ORC" -> pendingOrc.add(segment);
				case "OBR" -> {
					List<String> order = new ArrayList<>(pendingOrc);
					pendingOrc.clear();
					order.add(segment);
					orders.add(order);
				}
				case "OBX" -> {
					if (orders.isEmpty()) {
						beforeFirstOrder.add(segment);
					} else {
						orders.get(orders.size() - 1).add(segment);
					}
				}
				default -> issues.add(new MappingIssue(IRREGULAR, where, name + " segment is not read (kept in the raw message)"));
			}
		}
		if (!beforeFirstOrder.isEmpty()) {
			if (orders.size() != 1) {
				throw new MessageRejectedException(Disposition.ERROR, Hl7ErrorCode.SEGMENT_SEQUENCE_ERROR, Hl7Location.segment("OBX", 1),
						"OPENIMD-1016", orders.isEmpty() ? "the message has OBX segments but no OBR segment to file them under"
								: "OBX segments come before the first of " + orders.size() + " OBR segments, so their order is ambiguous");
			}
			issues.add(new MappingIssue(IRREGULAR, Hl7Location.segment("OBX", 1), beforeFirstOrder.size()
					+ " OBX segment(s) before the message's only OBR are read as its observations"));
			List<String> onlyOrder = orders.get(0);
			// After the OBR, before the observations that followed it: the order the sender wrote them in.
			onlyOrder.addAll(onlyOrder.size() - (int) onlyOrder.stream().filter(segment -> segment.startsWith("OBX")).count(), beforeFirstOrder);
		}
		if (!pendingOrc.isEmpty()) {
			issues.add(new MappingIssue(IRREGULAR, Hl7Location.segment("ORC", seen.get("ORC")), "an ORC segment with no OBR after it is not read"));
		}
		List<String> laid = new ArrayList<>();
		if (header != null) {
			laid.add(header);
		}
		if (patient != null) {
			laid.add(patient);
		}
		if (visit != null) {
			laid.add(visit);
		}
		orders.forEach(laid::addAll);
		return new Laid(String.join(String.valueOf(Er7.SEGMENT_SEPARATOR), laid) + Er7.SEGMENT_SEPARATOR, issues);
	}
}
