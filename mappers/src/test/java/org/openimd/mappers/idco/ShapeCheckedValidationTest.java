package org.openimd.mappers.idco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openimd.mappers.idco.TransactionEntries.entryOf;
import static org.openimd.mappers.idco.TransactionEntries.resources;
import static org.openimd.mappers.idco.TransactionEntries.single;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidationContext;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationComponentComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openimd.ig.OpenImdIg;
import org.openimd.ig.ShapeCheckedValidator;
import org.openimd.mappers.hl7v2.MessageRejectedException;
import org.openimd.terminology.IdcoTermTable;

/**
 * Holds the shape-checked validator to the full one it stands in for: the same verdict on every
 * public fixture and on generated interrogations, and on each kind of defect the validator finds,
 * made in a transaction whose shapes were all found conformant before.
 */
class ShapeCheckedValidationTest {

	private static final IdcoTermTable TERMS = IdcoTermTable.load();
	private static final IdcoOruMapper MAPPER = new IdcoOruMapper(TERMS, ZoneId.of("UTC"));
	private static final FhirValidator FULL = OpenImdIg.newValidator(FhirContext.forR4Cached(), TERMS);
	private static final IdcoMessageGenerator GENERATOR = new IdcoMessageGenerator(TERMS, "S");

	private final AtomicInteger myFullValidations = new AtomicInteger();
	private final ShapeCheckedValidator myValidator = new ShapeCheckedValidator(counted(OpenImdIg.newValidator(FhirContext.forR4Cached(), TERMS)), 10_000);

	@Test
	void fixturesAndGeneratedInterrogationsGetTheFullVerdictAndRepeatedShapesSkipTheFullValidation() throws MessageRejectedException {
		for (String fixture : List.of(IdcoFixtures.STJUDE_ICD, IdcoFixtures.MEDTRONIC_ICD_3_EGMS, IdcoFixtures.IHE_BIOTRONIK_CRTD)) {
			assertSameVerdict(MAPPER.map(IdcoFixtures.bytes(fixture), Instant.now()).transaction());
		}
		for (int message = 0; message < 40; message++) {
			assertSameVerdict(generated(message));
		}
		for (int message = 40; message < 240; message++) {
			assertThat(myValidator.errors(generated(message))).isEmpty();
		}
		int afterWarmUp = myFullValidations.get();
		for (int message = 240; message < 320; message++) {
			assertThat(myValidator.errors(generated(message))).isEmpty();
		}
		assertThat(myFullValidations.get()).as("validations in full of 80 interrogations of shapes seen before").isEqualTo(afterWarmUp);
		assertThat(afterWarmUp).as("validations in full while shapes were new, of 243 transactions").isLessThan(30);
	}

	static Stream<Arguments> defects() {
		return Stream.of(
				defect("an IDCO code that does not exist", transaction -> idco(transaction).getComponentFirstRep().getCode().getCodingFirstRep().setCode("999999")),
				defect("a display that is not the code's", transaction -> idco(transaction).getComponentFirstRep().getCode().getCodingFirstRep().setDisplay("MDC_IDC_SOMETHING_ELSE")),
				defect("an observation without its identifier", transaction -> idco(transaction).setIdentifier(null)),
				defect("a report with a second interrogated-device extension", transaction -> {
					DiagnosticReport report = single(transaction, DiagnosticReport.class);
					report.addExtension(report.getExtension().get(0).copy());
				}),
				defect("two entries with one fullUrl", transaction -> transaction.getEntry().get(1).setFullUrl(transaction.getEntry().get(0).getFullUrl())),
				defect("a reference to nothing in the transaction", transaction -> idco(transaction).getSubject().setReference("urn:uuid:" + UUID.randomUUID())),
				defect("a subject that is a Device", transaction -> idco(transaction).getSubject().setReference(
						entryOf(transaction, resources(transaction, Device.class).get(0)).getFullUrl())),
				defect("a period that ends before it starts", transaction -> idco(transaction).setEffective(
						new Period().setStart(new Date(2_000_000_000_000L)).setEnd(new Date(1_000_000_000_000L)))),
				defect("a time without a time zone", transaction -> idco(transaction).setEffective(new DateTimeType("2024-05-01T10:00:00"))),
				defect("a control character in a string", transaction -> component(transaction, StringType.class).setValue(new StringType("VDD\u0001R"))),
				defect("whitespace around a string", transaction -> component(transaction, StringType.class).setValue(new StringType(" VDDR "))),
				defect("a birth date before the patient's records could be", transaction -> single(transaction, Patient.class).setBirthDateElement(
						new org.hl7.fhir.r4.model.DateType("1066-10-14"))));
	}

	/**
	 * Each defect made in a transaction whose shapes were all validated before, alongside a period
	 * that runs forwards, so that only the defect is new.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("defects")
	void aDefectInATransactionOfKnownShapesGetsTheFullVerdict(String theDefect, Consumer<Bundle> theMutation) throws MessageRejectedException {
		Bundle known = generated(1000);
		idco(known).setEffective(new Period().setStart(new Date(1_000_000_000_000L)).setEnd(new Date(2_000_000_000_000L)));
		assertThat(myValidator.errors(known)).isEmpty();
		Bundle defective = generated(1000);
		idco(defective).setEffective(new Period().setStart(new Date(1_000_000_000_000L)).setEnd(new Date(2_000_000_000_000L)));
		theMutation.accept(defective);

		assertSameVerdict(defective);
	}

	@Test
	void theDefectsThatAreErrorsAreRejected() throws MessageRejectedException {
		for (String defect : List.of("an observation without its identifier",
				"a report with a second interrogated-device extension", "two entries with one fullUrl",
				"a subject that is a Device", "a period that ends before it starts", "a time without a time zone")) {
			Bundle transaction = generated(1000);
			defects().filter(arguments -> arguments.get()[0].equals(defect)).findFirst().map(arguments -> (Consumer<Bundle>) arguments.get()[1])
					.orElseThrow().accept(transaction);
			assertThat(fullErrors(transaction)).as(defect).isNotEmpty();
		}
	}

	private void assertSameVerdict(Bundle theTransaction) {
		List<String> full = fullErrors(theTransaction);
		assertThat(myValidator.errors(theTransaction).isEmpty()).as("accepted, where the full validation says %s", full).isEqualTo(full.isEmpty());
	}

	private static List<String> fullErrors(Bundle theTransaction) {
		return FULL.validateWithResult(theTransaction).getMessages().stream()
				.filter(message -> message.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
				.map(message -> message.getLocationString() + ": " + message.getMessage())
				.toList();
	}

	private static Arguments defect(String theName, Consumer<Bundle> theMutation) {
		return Arguments.of(theName, theMutation);
	}

	private static Bundle generated(int theMessage) throws MessageRejectedException {
		return MAPPER.map(GENERATOR.interrogation(theMessage / 8, theMessage % 8).getBytes(StandardCharsets.ISO_8859_1), Instant.now()).transaction();
	}

	private static Observation idco(Bundle theTransaction) {
		return resources(theTransaction, Observation.class).stream().filter(Observation::hasComponent).findFirst().orElseThrow();
	}

	private static ObservationComponentComponent component(Bundle theTransaction, Class<?> theValueType) {
		return idco(theTransaction).getComponent().stream().filter(component -> theValueType.isInstance(component.getValue())).findFirst().orElseThrow();
	}

	private FhirValidator counted(FhirValidator theValidator) {
		theValidator.registerValidatorModule(new IValidatorModule() {
			@Override
			public void validateResource(IValidationContext<org.hl7.fhir.instance.model.api.IBaseResource> theContext) {
				myFullValidations.incrementAndGet();
			}
		});
		return theValidator;
	}
}
