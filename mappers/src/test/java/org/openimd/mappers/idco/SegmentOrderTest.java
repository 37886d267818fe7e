package org.openimd.mappers.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.openimd.mappers.hl7v2.MessageRejectedException;

/**
 * Variants of a real IDCO message with its segments where real exports put them: each is read by what
 * its segments mean, with a warning naming the irregularity, into the same FHIR data as the
 * original; only an order that cannot be told apart without guessing is refused, with the reason.
 */
class SegmentOrderTest {

	private static final String ORIGINAL = new String(IdcoFixtures.bytes("sjm-icd-remote-af.hl7"), StandardCharsets.ISO_8859_1);
	private static final IdcoMapping AS_SENT = IdcoOruMapperTest.map(ORIGINAL);

	@Test
	void anNteAfterPv1BeforeTheObrAsAMedtronicExportSendsIt() {
		assertReadAsTheOriginalWithAWarning(afterSegment("PID", "PV1|1|R", "NTE|1||exported by the clinic's remote monitoring system"), "NTE");
	}

	@Test
	void zSegmentsAnywhere() {
		assertReadAsTheOriginalWithAWarning(afterSegment("PID", "ZPI|vendor|4711"), "ZPI");
		assertReadAsTheOriginalWithAWarning(afterSegment("OBR", "ZOB|1|site"), "ZOB");
	}

	@Test
	void aRepeatedPv1() {
		assertReadAsTheOriginalWithAWarning(afterSegment("PID", "PV1|1|R", "PV1|2|O"), "PV1");
	}

	@Test
	void notesBetweenObservations() {
		List<String> segments = segments(ORIGINAL);
		int third = indexOfNth(segments, "OBX", 3);
		segments.add(third, "NTE|1||battery checked by phone");
		assertReadAsTheOriginalWithAWarning(join(segments), "NTE");
	}

	@Test
	void observationsBeforeTheOnlyObr() {
		List<String> segments = segments(ORIGINAL);
		String obr = segments.remove(indexOfNth(segments, "OBR", 1));
		segments.add(indexOfNth(segments, "OBX", 4), obr);
		assertReadAsTheOriginalWithAWarning(join(segments), "before the message's only OBR");
	}

	@Test
	void observationsBeforeTheFirstOfTwoOrdersAreAmbiguousAndRefusedWithTheReason() {
		List<String> segments = segments(ORIGINAL);
		String obr = segments.remove(indexOfNth(segments, "OBR", 1));
		segments.add(obr.replace("OBR|1|", "OBR|2|"));
		segments.add(indexOfNth(segments, "OBX", 2), obr);
		assertThatThrownBy(() -> IdcoOruMapperTest.mapOrReject(join(segments))).isInstanceOfSatisfying(MessageRejectedException.class,
				rejected -> {
					assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1016");
					assertThat(rejected.getMessage()).contains("before the first of 2 OBR segments");
				});
	}

	@Test
	void twoPatientsAreRefusedWithTheReason() {
		String twice = afterSegment("PID", segments(ORIGINAL).stream().filter(segment -> segment.startsWith("PID")).findFirst().orElseThrow());
		assertThatThrownBy(() -> IdcoOruMapperTest.mapOrReject(twice)).isInstanceOfSatisfying(MessageRejectedException.class,
				rejected -> assertThat(rejected.getMessage()).contains("more than one PID"));
	}

	@Test
	void twoMessagesRunTogetherAreRefusedWithTheReason() {
		assertThatThrownBy(() -> IdcoOruMapperTest.mapOrReject(ORIGINAL.strip() + "\r" + ORIGINAL)).isInstanceOfSatisfying(MessageRejectedException.class,
				rejected -> assertThat(rejected.getMessage()).contains("second MSH"));
	}

	private static void assertReadAsTheOriginalWithAWarning(String theVariant, String theIrregularity) {
		IdcoMapping mapping = IdcoOruMapperTest.map(theVariant);
		assertThat(mapping.issues()).filteredOn(issue -> issue.openImdCode().equals(SegmentOrder.IRREGULAR))
				.anySatisfy(issue -> assertThat(issue.toString()).contains(theIrregularity));
		assertThat(TransactionEntries.single(mapping.transaction(), Observation.class).getComponent())
				.hasSameSizeAs(TransactionEntries.single(AS_SENT.transaction(), Observation.class).getComponent());
		assertThat(TransactionEntries.single(mapping.transaction(), Patient.class).getIdentifier())
				.hasSameSizeAs(TransactionEntries.single(AS_SENT.transaction(), Patient.class).getIdentifier());
		assertThat(TransactionEntries.resources(mapping.transaction(), Device.class)).extracting(Device::getSerialNumber)
				.isEqualTo(TransactionEntries.resources(AS_SENT.transaction(), Device.class).stream().map(Device::getSerialNumber).toList());
	}

	private static String afterSegment(String theName, String... theInserted) {
		List<String> segments = segments(ORIGINAL);
		segments.addAll(indexOfNth(segments, theName, 1) + 1, Arrays.asList(theInserted));
		return join(segments);
	}

	private static List<String> segments(String theMessage) {
		return new ArrayList<>(Arrays.stream(theMessage.split("\r\n|\r|\n")).filter(segment -> !segment.isBlank()).toList());
	}

	private static int indexOfNth(List<String> theSegments, String theName, int theNth) {
		int found = 0;
		for (int index = 0; index < theSegments.size(); index++) {
			if (theSegments.get(index).startsWith(theName + "|") && ++found == theNth) {
				return index;
			}
		}
		throw new AssertionError("no " + theName + " number " + theNth);
	}

	private static String join(List<String> theSegments) {
		return theSegments.stream().collect(Collectors.joining("\r", "", "\r"));
	}
}
