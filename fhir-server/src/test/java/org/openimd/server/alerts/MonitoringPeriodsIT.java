package org.openimd.server.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;

/**
 * An ICD's 90-day remote monitoring periods from its first transmission, the transmissions and the
 * interpretations of each, and whether a period may be reported: what a clinic bills CPT 93295 and
 * 93296 by, for the patient's clinician and nobody else.
 */
class MonitoringPeriodsIT extends BaseServerIT {

	private static final String CLINICIAN_SCOPES = "openid fhirUser user/*.cruds";

	@Test
	void anIcdsPeriodsListTheirTransmissionsAndInterpretationsAndAreReportableOnceInterpreted() throws Exception {
		String serial = "MP" + UUID.randomUUID().toString().substring(0, 8);
		for (String day : List.of("20260301", "20260401", "20260615")) {
			assertThat(postHl7v2(TransmissionMessages.icdMessage(serial, day))).contains("MSA|AA|");
		}
		DiagnosticReport first = report(serial, "20260301");
		String patient = first.getSubject().getReference();
		String doctor = client.create().resource(new Practitioner().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue();
		client.create().resource(new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference(patient))
				.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference(doctor)))).execute();
		IGenericClient doctorApp = as(personToken(Role.CLINICIAN, doctor, CLINICIAN_SCOPES));
		Task interpreted = triageOf(first);
		interpreted.setStatus(Task.TaskStatus.COMPLETED);
		doctorApp.update().resource(interpreted).execute();

		Parameters answer = doctorApp.operation().onInstance(new IdType(patient)).named("$monitoring-periods").withNoParameters(Parameters.class)
				.execute();

		Parameters.ParametersParameterComponent device = answer.getParameter().stream().filter(parameter -> parameter.getName().equals("device"))
				.filter(parameter -> part(parameter, "kind").getValue().primitiveValue().equals("ICD")).findFirst().orElseThrow();
		assertThat(part(device, "monitoringStart").getValue().primitiveValue()).startsWith("2026-03-01");
		List<Parameters.ParametersParameterComponent> periods = device.getPart().stream().filter(part -> part.getName().equals("period")).toList();
		assertThat(periods.size()).as("90-day periods from 1 March to today").isGreaterThanOrEqualTo(3);

		Parameters.ParametersParameterComponent firstPeriod = periods.get(0);
		assertThat(part(firstPeriod, "end").getValue().primitiveValue()).startsWith("2026-05-30");
		assertThat(((Coding) part(firstPeriod, "professional").getValue()).getCode()).isEqualTo("93295");
		assertThat(((Coding) part(firstPeriod, "technical").getValue()).getCode()).isEqualTo("93296");
		assertThat(references(firstPeriod, "transmission")).containsExactlyInAnyOrder(id(first), id(report(serial, "20260401")));
		assertThat(references(firstPeriod, "interpretation")).containsExactly(interpreted.getIdElement().toUnqualifiedVersionless().getValue());
		assertThat(part(firstPeriod, "reportable").getValue().primitiveValue()).isEqualTo("true");

		Parameters.ParametersParameterComponent secondPeriod = periods.get(1);
		assertThat(references(secondPeriod, "transmission")).containsExactly(id(report(serial, "20260615")));
		assertThat(references(secondPeriod, "interpretation")).isEmpty();
		assertThat(part(secondPeriod, "reportable").getValue().primitiveValue()).as("not interpreted").isEqualTo("false");

		IGenericClient patientApp = as(personToken(Role.PATIENT, patient, "openid fhirUser launch/patient patient/*.cruds"));
		assertThat(patientApp.operation().onInstance(new IdType(patient)).named("$monitoring-periods").withNoParameters(Parameters.class).execute()
				.getParameter()).as("the patient's own").hasSize(answer.getParameter().size());

		IGenericClient stranger = as(personToken(Role.CLINICIAN,
				client.create().resource(new Practitioner().addIdentifier(uniqueIdentifier())).execute().getId().toUnqualifiedVersionless().getValue(),
				CLINICIAN_SCOPES));
		BaseServerResponseException refused = catchThrowableOfType(() -> stranger.operation().onInstance(new IdType(patient))
				.named("$monitoring-periods").withNoParameters(Parameters.class).execute(), BaseServerResponseException.class);
		assertThat(refused).as("another clinic's clinician").isNotNull();
		assertThat(refused.getStatusCode()).isEqualTo(404);
	}

	private Task triageOf(DiagnosticReport theReport) {
		return await().atMost(Duration.ofSeconds(20)).until(() -> client.search()
				.byUrl("Task?identifier=" + OpenImdUris.TRANSMISSION_TRIAGE_IDENTIFIER + "|" + id(theReport)).returnBundle(Bundle.class).execute()
				.getEntry().stream().map(entry -> (Task) entry.getResource()).findFirst(), found -> found.isPresent()).orElseThrow();
	}

	private DiagnosticReport report(String theSerial, String theDay) {
		return (DiagnosticReport) client.search().byUrl("DiagnosticReport?identifier=" + OpenImdUris.INTERROGATION_IDENTIFIER + "|STJ/CD2215-36/"
				+ theSerial + "/" + theDay).returnBundle(Bundle.class).execute().getEntry().get(0).getResource();
	}

	private static String id(DiagnosticReport theReport) {
		return theReport.getIdElement().toUnqualifiedVersionless().getValue();
	}

	private static Parameters.ParametersParameterComponent part(Parameters.ParametersParameterComponent theParent, String theName) {
		return theParent.getPart().stream().filter(part -> part.getName().equals(theName)).findFirst().orElseThrow();
	}

	private static List<String> references(Parameters.ParametersParameterComponent theParent, String theName) {
		return theParent.getPart().stream().filter(part -> part.getName().equals(theName)).map(part -> ((Reference) part.getValue()).getReference())
				.toList();
	}
}
