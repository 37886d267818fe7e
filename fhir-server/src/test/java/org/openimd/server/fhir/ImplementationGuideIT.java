package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;
import org.openimd.ig.OpenImdIg;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;

class ImplementationGuideIT extends BaseServerIT {

	private static final String SERIAL_NUMBER_PARAMETER = "https://openimd.org/fhir/SearchParameter/Device-serial-number";

	@Autowired
	ImplementationGuideInstaller installer;

	@Test
	void validateAgainstTheImplantedDeviceProfileNamesWhatIsMissing() throws Exception {
		OperationOutcome outcome = validate("{\"resourceType\":\"Device\",\"manufacturer\":\"Medtronic\",\"modelNumber\":\"Maximo\"}",
				OpenImdUris.IMPLANTED_DEVICE_PROFILE);

		assertThat(outcome.getIssue())
				.filteredOn(issue -> issue.getSeverity() == IssueSeverity.ERROR)
				.extracting(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
				.anySatisfy(diagnostics -> assertThat(diagnostics).startsWith("Device.serialNumber: minimum required = 1"))
				.anySatisfy(diagnostics -> assertThat(diagnostics).startsWith("Device.patient: minimum required = 1"));
	}

	@Test
	void deviceMeetingTheProfileValidatesWithoutErrors() throws Exception {
		OperationOutcome outcome = validate("{\"resourceType\":\"Device\",\"identifier\":[{\"system\":\""
						+ OpenImdUris.IMPLANTED_DEVICE_IDENTIFIER + "\",\"value\":\"MDT/Maximo/D284DRG\"}],"
						+ "\"manufacturer\":\"Medtronic\",\"modelNumber\":\"Maximo\",\"serialNumber\":\"D284DRG\","
						+ "\"patient\":{\"reference\":\"Patient/example\"}}",
				OpenImdUris.IMPLANTED_DEVICE_PROFILE);

		assertThat(outcome.getIssue()).noneMatch(issue -> issue.getSeverity() == IssueSeverity.ERROR);
	}

	@Test
	void anUnchangedGuideIsNotInstalledAgainAtTheNextStart() throws Exception {
		SearchParameter before = serialNumberParameter();

		assertThat(installer.installUnlessStored(OpenImdIg.packageBytes())).as("installed again").isFalse();

		SearchParameter after = serialNumberParameter();
		assertThat(after.getMeta().getVersionId()).isEqualTo(before.getMeta().getVersionId());
		assertThat(after.getMeta().getLastUpdated()).isEqualTo(before.getMeta().getLastUpdated());
	}

	/**
	 * The guide changes between builds under the same version (0.1.0 until it is published); a server
	 * upgraded onto a database holding an earlier copy must install the new one, not HAPI's cached old one.
	 */
	@Test
	void aChangedGuideUnderTheSameVersionReplacesTheStoredOne() throws Exception {
		String changedDescription = "Changed by ImplementationGuideIT at " + System.nanoTime();
		byte[] changed = withSerialNumberDescription(OpenImdIg.packageBytes(), changedDescription);
		try {
			assertThat(installer.installUnlessStored(changed)).as("installed").isTrue();

			assertThat(serialNumberParameter().getDescription()).isEqualTo(changedDescription);
			assertThat(installer.installUnlessStored(changed)).as("installed again").isFalse();
		} finally {
			installer.installUnlessStored(OpenImdIg.packageBytes());
		}
		assertThat(serialNumberParameter().getDescription()).isNotEqualTo(changedDescription);
	}

	/** The guide's package with the description of its serial-number SearchParameter replaced. */
	private static byte[] withSerialNumberDescription(byte[] theGuide, String theDescription) throws IOException {
		ByteArrayOutputStream changed = new ByteArrayOutputStream();
		try (TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(new ByteArrayInputStream(theGuide)));
				TarArchiveOutputStream out = new TarArchiveOutputStream(new GZIPOutputStream(changed))) {
			for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
				byte[] content = in.readAllBytes();
				if (entry.getName().endsWith("SearchParameter-Device-serial-number.json")) {
					SearchParameter parameter = FHIR.newJsonParser().parseResource(SearchParameter.class, new String(content, StandardCharsets.UTF_8));
					content = FHIR.newJsonParser().encodeResourceToString(parameter.setDescription(theDescription)).getBytes(StandardCharsets.UTF_8);
				}
				TarArchiveEntry copy = new TarArchiveEntry(entry.getName());
				copy.setSize(content.length);
				out.putArchiveEntry(copy);
				out.write(content);
				out.closeArchiveEntry();
			}
		}
		return changed.toByteArray();
	}

	private SearchParameter serialNumberParameter() {
		return single(client.search().forResource(SearchParameter.class).where(SearchParameter.URL.matches().value(SERIAL_NUMBER_PARAMETER))
				.returnBundle(Bundle.class).execute(), SearchParameter.class);
	}

	private OperationOutcome validate(String theResource, String theProfile) throws Exception {
		return validate("Device", theResource, "?profile=" + theProfile);
	}
}
