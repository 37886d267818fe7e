package org.openimd.mappers.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.mappers.idco.TransactionEntries.resources;
import static org.openimd.mappers.idco.TransactionEntries.single;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openimd.ig.OpenImdIg;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.terminology.IdcoTermTable;

class IdcoMessageGeneratorTest {

	private static final IdcoTermTable TERMS = IdcoTermTable.load();
	private static final IdcoOruMapper MAPPER = new IdcoOruMapper(TERMS, ZoneId.of("UTC"));
	private static final FhirValidator VALIDATOR = OpenImdIg.newValidator(FhirContext.forR4Cached());
	private final IdcoMessageGenerator myGenerator = new IdcoMessageGenerator(TERMS, "T");

	@ParameterizedTest(name = "patient {0}: {1}")
	@CsvSource({"0, PACEMAKER, 2, 753665", "1, ICD, 1, 753666", "2, CRT_D, 3, 753667", "3, LOOP_RECORDER, 0, 753669"})
	void eachDeviceKindMapsWithItsLeadsAndConformsToTheGuide(int thePatient, String theKind, int theLeads, String theTypeCode)
			throws MessageRejectedException {
		IdcoMapping mapping = MAPPER.map(myGenerator.interrogation(thePatient, 0).getBytes(StandardCharsets.ISO_8859_1), Instant.now());
		Bundle transaction = mapping.transaction();

		assertThat(resources(transaction, Device.class).stream().filter(device -> !device.getParent().isEmpty())).hasSize(theLeads);
		assertThat(resources(transaction, Device.class))
				.anySatisfy(device -> assertThat(device.getType().getCodingFirstRep().getCode()).isEqualTo(theTypeCode));
		// The term table has no enumeration values for most manufacturers, lead locations or episode
		// types; such mnemonics are kept as sent and reported, and nothing else may be.
		assertThat(mapping.issues()).extracting(MappingIssue::openImdCode).containsOnly("OPENIMD-1104");
		assertThat(mapping.issues()).anySatisfy(issue -> assertThat(issue.text()).contains("MDC_IDC_DEV_MFG"));
		assertThat(VALIDATOR.validateWithResult(transaction).getMessages())
				.noneMatch(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
	}

	@Test
	void everyThirdTransmissionIsADeviceInitiatedAlert() throws MessageRejectedException {
		DiagnosticReport alert = single(MAPPER.map(myGenerator.interrogation(5, 2).getBytes(StandardCharsets.ISO_8859_1),
				Instant.now()).transaction(), DiagnosticReport.class);

		assertThat(alert.getCategoryFirstRep().getCodingFirstRep().getDisplay()).isEqualTo("MDC_IDC_ENUM_SESS_TYPE_RemoteDeviceInitiated");
	}

	@Test
	void sameInputsGiveTheSameMessageAndOtherPrefixesOtherDevices() {
		assertThat(myGenerator.interrogation(7, 3)).isEqualTo(myGenerator.interrogation(7, 3));
		assertThat(new IdcoMessageGenerator(TERMS, "U").interrogation(7, 3)).doesNotContain("serial:T");
	}
}
