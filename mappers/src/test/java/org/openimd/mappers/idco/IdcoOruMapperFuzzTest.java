package org.openimd.mappers.idco;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.Bundle;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.terminology.IdcoTermTable;

/**
 * Whatever bytes arrive over MLLP, the mapper answers with a transaction or a rejection that names its
 * reason (an AE or AR for the sender), never anything else (which the server would answer with no
 * ACK and a stack trace). Seeded with the public fixtures' small messages
 * ({@code IdcoOruMapperFuzzTestInputs}); what the fuzzer finds is kept there as a regression input.
 */
class IdcoOruMapperFuzzTest {

	private static final IdcoOruMapper MAPPER = new IdcoOruMapper(IdcoTermTable.load(), ZoneId.of("Europe/Berlin"));
	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@FuzzTest(maxDuration = "30s")
	void anyBytesAreMappedOrRejectedWithAReason(byte[] theMessage) {
		try {
			IdcoMapping mapping = MAPPER.map(theMessage, Instant.parse("2026-12-05T10:00:00Z"));
			assertThat(mapping.transaction().getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
			assertThat(FHIR.newJsonParser().encodeResourceToString(mapping.transaction())).isNotEmpty();
		} catch (MessageRejectedException rejected) {
			assertThat(rejected.openImdCode()).startsWith("OPENIMD-");
			assertThat(rejected.disposition()).isNotNull();
			assertThat(rejected.hl7ErrorCode()).isNotNull();
		}
	}
}
