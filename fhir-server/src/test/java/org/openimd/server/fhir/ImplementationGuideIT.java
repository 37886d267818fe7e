package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

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

	private SearchParameter serialNumberParameter() {
		return single(client.search().forResource(SearchParameter.class).where(SearchParameter.URL.matches().value(SERIAL_NUMBER_PARAMETER))
				.returnBundle(Bundle.class).execute(), SearchParameter.class);
	}

	private OperationOutcome validate(String theResource, String theProfile) throws Exception {
		return validate("Device", theResource, "?profile=" + theProfile);
	}
}
