package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Type;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * {@code $device-alert-rates} over stored data: exact figures where a stratum is large enough, and
 * the attacks small-cell suppression is there for: a manufacturer's small stratum, and a manufacturer's
 * stratum that differs from everyone's by a few patients. The device types used (CRT-P, "other") are
 * made by no other test, so their strata hold this test's patients only.
 */
class AnalyticsIT extends BaseServerIT {

	private static final String CRT_P = "753668";
	private static final String OTHER = "753670";
	private static final String OPERATION = "$device-alert-rates";

	@Test
	void ratesAreExactWhereLargeEnoughAndSuppressedWhereAManufacturerCouldSingleOutAFewPatients() throws Exception {
		String acme = stored(new Organization().setName("Acme analytics " + UUID.randomUUID()));
		String tiny = stored(new Organization().setName("Tiny analytics " + UUID.randomUUID()));
		followedUp(acme, OTHER, 12);
		followedUp(acme, CRT_P, 16);
		followedUp(tiny, OTHER, 3);

		String researchToken = TestClients.systemToken(baseUrl(), accessToken, "openimd.research");
		Parameters research = as(researchToken).operation().onServer().named(OPERATION)
				.withNoParameters(Parameters.class).useHttpGet().execute();
		ParametersParameterComponent crtP = stratum(research, CRT_P).orElseThrow();
		assertThat(part(crtP, "patients")).isEqualTo("16");
		assertThat(part(crtP, "alerts")).isEqualTo("16");
		// each device followed up from 2025-01-10 to 2025-07-10: 181 days
		assertThat(part(crtP, "patientYears")).isEqualTo("7.9");
		assertThat(part(crtP, "alertsPerPatientYear")).isEqualTo("2.02");
		// "other" is 15 patients, unless some stratum of other tests' data is suppressed: then, the smallest shown, it goes too
		ParametersParameterComponent others = stratum(research, OTHER).orElseThrow();
		assertThat(Optional.ofNullable(part(others, "patients")).orElse("suppressed " + part(others, "suppressed"))).isIn("15", "suppressed true");
		assertNoShownFigureAboutFewerThanK(research);
		// the same drawn, for people who would rather look than read
		HttpResponse<String> chart = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + OPERATION + "?chart=svg"))
				.header("Authorization", "Bearer " + researchToken).header("Accept", "image/svg+xml").build(), HttpResponse.BodyHandlers.ofString());
		assertThat(chart.statusCode()).isEqualTo(200);
		assertThat(chart.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/svg+xml");
		assertThat(chart.body()).startsWith("<svg").contains("2.02 (16 patients, 7.9 patient-years)");
		assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + OPERATION + "?chart=pie"))
				.header("Authorization", "Bearer " + researchToken).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(400);

		// Acme's "other" devices are 12, but everyone's are 15: subtracting would single out Tiny's 3
		Parameters acmes = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs")).operation().onServer().named(OPERATION).withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(part(stratum(acmes, OTHER).orElseThrow(), "suppressed")).isEqualTo("true");
		assertThat(part(stratum(acmes, CRT_P).orElseThrow(), "suppressed")).as("the other stratum, so the total gives neither away").isEqualTo("true");
		assertThat(stratum(acmes, "753666")).as("only Acme's own device types").isEmpty();
		assertNoShownFigureAboutFewerThanK(acmes);

		// Tiny's own 3 patients are too few for any figure, the total included
		Parameters tinys = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + tiny,
				"system/Device.rs")).operation().onServer().named(OPERATION).withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(part(stratum(tinys, OTHER).orElseThrow(), "suppressed")).isEqualTo("true");
		assertThat(part(tinys.getParameter("total"), "suppressed")).isEqualTo("true");
		assertThat(FHIR.newJsonParser().encodeResourceToString(tinys)).doesNotContain("Patient/");
	}

	@Test
	void onlyAdministratorsResearchersAndManufacturersMayAsk() throws Exception {
		String practitioner = stored(new Practitioner());
		CareTeam team = new CareTeam().setStatus(CareTeam.CareTeamStatus.ACTIVE).setSubject(new Reference("Patient/" + stored(new Patient())));
		stored(team.addParticipant(new CareTeam.CareTeamParticipantComponent().setMember(new Reference("Practitioner/" + practitioner))));
		IGenericClient clinician = as(personToken(Role.CLINICIAN, "Practitioner/" + practitioner, "user/*.cruds"));
		IGenericClient ehr = client;
		assertThat(refusal(() -> clinician.operation().onServer().named(OPERATION).withNoParameters(Parameters.class).useHttpGet().execute()))
				.isEqualTo(403);
		assertThat(refusal(() -> ehr.operation().onServer().named(OPERATION).withNoParameters(Parameters.class).useHttpGet().execute()))
				.as("a system that reads everything, but is no researcher").isEqualTo(403);
		assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + OPERATION)).build(),
				HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
		Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
		batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(OPERATION);
		assertThat(clinician.transaction().withBundle(batch).execute().getEntryFirstRep().getResponse().getStatus()).matches("40[03].*");

		String administrator = personToken(Role.ADMIN, null, "user/*.rs");
		assertThat(as(administrator).operation().onServer().named(OPERATION).withNoParameters(Parameters.class).useHttpGet().execute()
				.getParameter("minimumPatientsPerFigure").getValue().primitiveValue()).isEqualTo("11");
	}

	/** {@code theCount} patients, each with a device of {@code theType} made by {@code theManufacturer}, two reports and one alert. */
	private void followedUp(String theManufacturer, String theType, int theCount) {
		String manufacturerName = client.read().resource(Organization.class).withId(theManufacturer).execute().getName();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int index = 0; index < theCount; index++) {
			String patient = "urn:uuid:" + UUID.randomUUID();
			String device = "urn:uuid:" + UUID.randomUUID();
			add(transaction, patient, new Patient().addIdentifier(uniqueIdentifier()));
			add(transaction, device, new Device().setManufacturer(manufacturerName).setPatient(new Reference(patient))
					.setType(new CodeableConcept(new Coding(Mdc.SYSTEM, theType, null))));
			for (String date : List.of("2025-01-10T09:00:00Z", "2025-07-10T09:00:00Z")) {
				DiagnosticReport report = new DiagnosticReport().setStatus(DiagnosticReport.DiagnosticReportStatus.FINAL)
						.setSubject(new Reference(patient)).setEffective(new DateTimeType(date));
				report.getCode().setText("interrogation");
				report.addExtension(OpenImdUris.INTERROGATED_DEVICE_EXTENSION, new Reference(device));
				add(transaction, "urn:uuid:" + UUID.randomUUID(), report);
			}
			add(transaction, "urn:uuid:" + UUID.randomUUID(), new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL)
					.setPatient(new Reference(patient)).setIdentified(new DateTimeType("2025-03-01T10:00:00Z")).addImplicated(new Reference(device)));
		}
		client.transaction().withBundle(transaction).execute();
	}

	private static void add(Bundle theTransaction, String theFullUrl, Resource theResource) {
		theTransaction.addEntry().setFullUrl(theFullUrl).setResource(theResource).getRequest().setMethod(Bundle.HTTPVerb.POST)
				.setUrl(theResource.fhirType());
	}

	private static Optional<ParametersParameterComponent> stratum(Parameters theAnswer, String theType) {
		return theAnswer.getParameters("stratum").stream().filter(stratum -> stratum.getPart().stream()
				.anyMatch(part -> part.getName().equals("deviceType") && theType.equals(((Coding) part.getValue()).getCode()))).findFirst();
	}

	private static String part(ParametersParameterComponent theStratum, String theName) {
		return theStratum.getPart().stream().filter(part -> part.getName().equals(theName)).map(part -> ((Type) part.getValue()).primitiveValue())
				.findFirst().orElse(null);
	}

	private static void assertNoShownFigureAboutFewerThanK(Parameters theAnswer) {
		for (ParametersParameterComponent stratum : theAnswer.getParameter()) {
			String patients = stratum.hasPart() ? part(stratum, "patients") : null;
			if (patients != null) {
				assertThat(Integer.parseInt(patients)).as(stratum.getName()).isGreaterThanOrEqualTo(11);
			}
		}
	}
}
