package org.openimd.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.UriType;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.terminology.IdcoCodeSystem;
import org.openimd.terminology.IdcoTermTable;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;
import org.springframework.beans.factory.annotation.Autowired;

class CodeSystemInstallerIT extends BaseServerIT {

	@Autowired
	private CodeSystemInstaller myInstaller;

	@Autowired
	private DaoRegistry myDaos;

	@Test
	void lookupOfAnIdcoCodeAnswersItsTerm() {
		Parameters result = lookup("720897");

		assertThat(result.getParameterValue("display").primitiveValue()).isEqualTo("MDC_IDC_DEV_TYPE");
	}

	@Test
	void lookupOfACodeOutsideTheTableIsAnError() {
		assertThatThrownBy(() -> lookup("1"))
				.isInstanceOf(BaseServerResponseException.class)
				.hasMessageContaining("Unable to find code[1]");
	}

	@Test
	void codeSystemIsStoredOnceAndFindableByItsUrl() {
		Bundle found = client.search()
				.forResource(CodeSystem.class)
				.where(CodeSystem.URL.matches().value(Mdc.SYSTEM))
				.returnBundle(Bundle.class)
				.execute();

		assertThat(found.getEntry()).singleElement()
				.satisfies(entry -> assertThat(((CodeSystem) entry.getResource()).getConcept()).hasSize(457));
	}

	@Test
	void installingAnUnchangedTableAgainKeepsTheStoredVersion() {
		String versionBefore = client.read().resource(CodeSystem.class).withId("mdc-idc").execute()
				.getMeta().getVersionId();

		IIdType again = myInstaller.install(IdcoCodeSystem.from(IdcoTermTable.load()));

		assertThat(again.getVersionIdPart()).isEqualTo(versionBefore);
		assertThat(client.read().resource(CodeSystem.class).withId("mdc-idc").execute().getMeta().getVersionId())
				.isEqualTo(versionBefore);
	}

	@Test
	void aStoredCopyThatDiffersFromTheTableIsReplacedByANewVersion() {
		CodeSystem altered = client.read().resource(CodeSystem.class).withId("mdc-idc").execute();
		altered.getConcept().remove(0);
		IIdType alteredVersion = myDaos.getResourceDao(CodeSystem.class).update(altered, new SystemRequestDetails()).getId();

		IIdType installed = myInstaller.install(IdcoCodeSystem.from(IdcoTermTable.load()));

		assertThat(installed.getVersionIdPartAsLong()).isEqualTo(alteredVersion.getVersionIdPartAsLong() + 1);
		assertThat(client.read().resource(CodeSystem.class).withId("mdc-idc").execute().getConcept()).hasSize(457);
	}

	@Test
	void theAlertRulesAreACodeSystemTooSoThatEveryAlertsCodeLooksUp() {
		Parameters result = lookup(OpenImdUris.ALERT_RULE_SYSTEM, "ALERT-VT-02");

		assertThat(result.getParameterValue("display").primitiveValue()).startsWith("VT/VF cluster");
	}

	private Parameters lookup(String theCode) {
		return lookup(Mdc.SYSTEM, theCode);
	}

	private Parameters lookup(String theSystem, String theCode) {
		return client.operation()
				.onType(CodeSystem.class)
				.named("$lookup")
				.withParameter(Parameters.class, "system", new UriType(theSystem))
				.andParameter("code", new CodeType(theCode))
				.useHttpGet()
				.execute();
	}
}
