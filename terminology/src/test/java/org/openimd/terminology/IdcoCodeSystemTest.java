package org.openimd.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class IdcoCodeSystemTest {

	private static final FhirContext FHIR = FhirContext.forR4Cached();

	@Test
	void carriesEveryTermUnderTheIso11073SystemAsAFragment() {
		IdcoTermTable table = IdcoTermTable.load();

		CodeSystem codeSystem = IdcoCodeSystem.from(table);

		assertThat(codeSystem.getUrl()).isEqualTo("urn:iso:std:iso:11073:10101");
		assertThat(codeSystem.getContent()).isEqualTo(CodeSystemContentMode.FRAGMENT);
		assertThat(codeSystem.getConcept()).hasSize(457);
		assertThat(codeSystem.getCount()).isEqualTo(457);
	}

	@Test
	void codeIsTheNumericCodeAndDisplayTheReferenceId() {
		CodeSystem codeSystem = IdcoCodeSystem.from(IdcoTermTable.load());

		ConceptDefinitionComponent deviceType = concept(codeSystem, "720897");

		assertThat(deviceType.getDisplay()).isEqualTo("MDC_IDC_DEV_TYPE");
		assertThat(deviceType.getDefinition()).startsWith("(CWE) Implanted device");
	}

	@Test
	void numericTermsCarryTheirUcumUnitAndCodedTermsNone() {
		CodeSystem codeSystem = IdcoCodeSystem.from(IdcoTermTable.load());

		ConceptDefinitionComponent rvImpedance = concept(codeSystem, "722433");
		assertThat(rvImpedance.getProperty())
				.singleElement()
				.satisfies(property -> {
					assertThat(property.getCode()).isEqualTo(IdcoCodeSystem.UNIT_PROPERTY);
					assertThat(((StringType) property.getValue()).getValue()).isEqualTo("Ohm");
				});
		assertThat(concept(codeSystem, "720897").getProperty()).isEmpty();
	}

	@Test
	void isAValidFhirR4CodeSystem() {
		FhirValidator validator = FHIR.newValidator();
		validator.registerValidatorModule(new FhirInstanceValidator(new ValidationSupportChain(
				FHIR.getValidationSupport(),
				new InMemoryTerminologyServerValidationSupport(FHIR),
				new CommonCodeSystemsTerminologyService(FHIR))));

		ValidationResult result = validator.validateWithResult(IdcoCodeSystem.from(IdcoTermTable.load()));

		assertThat(result.getMessages())
				.filteredOn(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.isEmpty();
	}

	private static ConceptDefinitionComponent concept(CodeSystem theCodeSystem, String theCode) {
		return theCodeSystem.getConcept().stream()
				.filter(concept -> concept.getCode().equals(theCode))
				.findFirst()
				.orElseThrow(() -> new AssertionError("no concept " + theCode));
	}
}
