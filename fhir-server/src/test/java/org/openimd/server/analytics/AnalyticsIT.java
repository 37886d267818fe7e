package org.openimd.server.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
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
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.pump.PumpInput;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.Mdc;
import org.openimd.terminology.OpenImdUris;

/**
 * {@code $device-alert-rates} over stored data: exact figures where a stratum is large enough, and
 * the attacks small-cell suppression is there for: a manufacturer's small stratum, and a manufacturer's
 * stratum that differs from everyone's by a few patients. The device types used (CRT-P, "other") are
 * made by no other test, so their strata hold this test's patients only. Other tests' data (an ingested
 * fixture with an implant date, say) may leave a single small stratum suppressed, and complementary
 * suppression then hides the smallest shown one as well: so each statistic's test adds a decoy stratum
 * of exactly 11 patients, smaller than the one it checks, to be hidden in its place.
 */
class AnalyticsIT extends BaseServerIT {

	private static final Instant IMPLANTED = Instant.parse("2015-01-01T00:00:00Z");

	private static final String CRT_P = "753668";
	private static final String OTHER = "753670";
	private static final String OPERATION = "$device-alert-rates";
	private static final String LONGEVITY = "$device-longevity";
	private static final String LEAD_PERFORMANCE = "$lead-performance";
	private static final String PUMP_THERAPY = "$pump-therapy";

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
		assertThat(part(crtP, "episodes")).as("two each, the one both interrogations report counted once").isEqualTo("32");
		assertThat(part(crtP, "episodesPerPatientYear")).isEqualTo("4.04");
		// "other" is 15 patients, unless some stratum of other tests' data is suppressed: then, the smallest shown, it goes too
		ParametersParameterComponent others = stratum(research, OTHER).orElseThrow();
		assertThat(Optional.ofNullable(part(others, "patients")).orElse("suppressed " + part(others, "suppressed"))).isIn("15", "suppressed true");
		assertNoShownFigureAboutFewerThanK(research);
		// the same drawn, for people who would rather look than read
		HttpResponse<String> chart = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + OPERATION + "?chart=svg"))
				.header("Authorization", "Bearer " + researchToken).header("Accept", "image/svg+xml").build(), HttpResponse.BodyHandlers.ofString());
		assertThat(chart.statusCode()).isEqualTo(200);
		assertThat(chart.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/svg+xml");
		assertThat(chart.body()).startsWith("<svg").contains("2.02 alerts", "4.04 episodes", "16 patients, 7.9 patient-years");
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
		String administrator = personToken(Role.ADMIN, null, "user/*.rs");
		for (String operation : List.of(OPERATION, LONGEVITY, LEAD_PERFORMANCE, PUMP_THERAPY)) {
			assertThat(refusal(() -> clinician.operation().onServer().named(operation).withNoParameters(Parameters.class).useHttpGet().execute()))
					.as(operation).isEqualTo(403);
			assertThat(refusal(() -> ehr.operation().onServer().named(operation).withNoParameters(Parameters.class).useHttpGet().execute()))
					.as("a system that reads everything, but is no researcher").isEqualTo(403);
			assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + operation)).build(),
					HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
			Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
			batch.addEntry().getRequest().setMethod(Bundle.HTTPVerb.GET).setUrl(operation);
			assertThat(clinician.transaction().withBundle(batch).execute().getEntryFirstRep().getResponse().getStatus()).matches("40[03].*");
			assertThat(as(administrator).operation().onServer().named(operation).withNoParameters(Parameters.class).useHttpGet().execute()
					.getParameter("minimumPatientsPerFigure").getValue().primitiveValue()).isEqualTo("11");
		}
	}

	/**
	 * 31 devices of one model: 8 followed 2.5 years, 12 at RRT at 4.5 years (told by a coded status, by
	 * the text ERI, or later by the time RRT was reached), 11 followed 7.5 years. At 4.5 years 23 are
	 * still followed: 1 − 12/23 = 0.478, the median 4.5 years. Battery voltage in the first year
	 * 3.00 + 0.02 × i V for device i: median 3.30, quartiles 3.15 and 3.45.
	 */
	@Test
	void longevityIsAKaplanMeierEstimateByModelWithBatteryVoltageByYear() throws Exception {
		String acme = stored(new Organization().setName("Acme longevity " + UUID.randomUUID()));
		String manufacturerName = client.read().resource(Organization.class).withId(acme).execute().getName();
		String model = "KM-" + UUID.randomUUID();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int index = 0; index < 31; index++) {
			String patient = "urn:uuid:" + UUID.randomUUID();
			String device = "urn:uuid:" + UUID.randomUUID();
			add(transaction, patient, new Patient().addIdentifier(uniqueIdentifier()));
			add(transaction, device, new Device().setManufacturer(manufacturerName).setModelNumber(model).setPatient(new Reference(patient))
					.setType(new CodeableConcept(new Coding(Mdc.SYSTEM, "753665", null))));
			boolean reaches = index >= 8 && index < 20;
			List<Double> followUps = index < 8 ? List.of(0.5, 2.5) : reaches ? (index < 16 ? List.of(0.5, 2.5, 4.5) : List.of(0.5, 2.5, 5.5))
					: List.of(0.5, 2.5, 4.5, 6.5, 7.5);
			for (double years : followUps) {
				Observation interrogation = interrogation(patient, device, new DateTimeType(Date.from(IMPLANTED.plus(years(years)))));
				value(interrogation, "720901", new DateTimeType(Date.from(IMPLANTED)));
				value(interrogation, "721344", new Quantity(years == 0.5 ? 3.00 + 0.02 * index : 2.8).setUnit("V").setSystem("http://unitsofmeasure.org")
						.setCode("V"));
				Type status = new CodeableConcept(new Coding(Mdc.SYSTEM, "754113", null));
				if (reaches && years >= 4.5) {
					status = index < 12 ? new CodeableConcept(new Coding(Mdc.SYSTEM, "754115", null)) : new CodeableConcept().setText(index < 16 ? "ERI" : "EOS");
				}
				value(interrogation, "721280", status);
				if (index >= 16 && years == 5.5) {
					value(interrogation, "721603", new DateTimeType(Date.from(IMPLANTED.plus(years(4.5)))));
				}
				add(transaction, "urn:uuid:" + UUID.randomUUID(), interrogation);
			}
		}
		for (int index = 0; index < 11; index++) {
			String patient = "urn:uuid:" + UUID.randomUUID();
			String decoy = "urn:uuid:" + UUID.randomUUID();
			add(transaction, patient, new Patient().addIdentifier(uniqueIdentifier()));
			add(transaction, decoy, new Device().setManufacturer(manufacturerName).setModelNumber("decoy-" + model).setPatient(new Reference(patient))
					.setType(new CodeableConcept(new Coding(Mdc.SYSTEM, "753665", null))));
			Observation interrogation = interrogation(patient, decoy, new DateTimeType(Date.from(IMPLANTED.plus(years(1.5)))));
			value(interrogation, "720901", new DateTimeType(Date.from(IMPLANTED)));
			add(transaction, "urn:uuid:" + UUID.randomUUID(), interrogation);
		}
		client.transaction().withBundle(transaction).execute();

		Parameters answer = as(TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).operation().onServer().named(LONGEVITY)
				.withNoParameters(Parameters.class).useHttpGet().execute();

		ParametersParameterComponent stratum = answer.getParameters("stratum").stream().filter(candidate -> model.equals(part(candidate, "model")))
				.findFirst().orElseThrow();
		assertThat(part(stratum, "manufacturer")).isEqualTo(manufacturerName);
		assertThat(part(stratum, "patients")).isEqualTo("31");
		assertThat(part(stratum, "reachedReplacement")).isEqualTo("12");
		assertThat(part(stratum, "medianYearsToReplacement")).isEqualTo("4.5");
		assertThat(stratum.getPart().stream().filter(part -> part.getName().equals("survival"))
				.map(point -> part(point, "yearsSinceImplant") + ":" + part(point, "atRisk") + ":" + part(point, "survival")))
				.containsExactly("1:31:1.000", "2:31:1.000", "3:23:1.000", "4:23:1.000", "5:11:0.478", "6:11:0.478", "7:11:0.478");
		List<ParametersParameterComponent> voltages = stratum.getPart().stream().filter(part -> part.getName().equals("batteryVoltage")).toList();
		assertThat(voltages.get(0)).satisfies(firstYear -> {
			assertThat(part(firstYear, "yearsSinceImplant")).isEqualTo("0");
			assertThat(part(firstYear, "median")).isEqualTo("3.30");
			assertThat(part(firstYear, "lowerQuartile")).isEqualTo("3.15");
			assertThat(part(firstYear, "upperQuartile")).isEqualTo("3.45");
		});
		assertThat(voltages).extracting(year -> part(year, "yearsSinceImplant")).as("year 5: only the 4 told later").containsExactly("0", "2", "4", "6", "7");
		assertThat(FHIR.newJsonParser().encodeResourceToString(answer)).doesNotContain("Patient/", "Device/");

		Parameters acmes = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs")).operation().onServer().named(LONGEVITY).withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(acmes.getParameters("stratum")).as("only Acme's own models").extracting(candidate -> part(candidate, "model"))
				.containsExactlyInAnyOrder(model, "decoy-" + model);

		HttpResponse<byte[]> png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + LONGEVITY + "?chart=png"))
				.header("Authorization", "Bearer " + TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).header("Accept", "image/png")
				.build(), HttpResponse.BodyHandlers.ofByteArray());
		assertThat(png.statusCode()).isEqualTo(200);
		assertThat(png.headers().firstValue("Content-Type").orElseThrow()).startsWith("image/png");
		assertThat(ImageIO.read(new ByteArrayInputStream(png.body())).getWidth()).isEqualTo(2 * 860);
	}

	/**
	 * 12 patients, each with a pacemaker whose two leads (an RA and an RV model) were implanted on
	 * 2020-01-01 and reported in two interrogations, half a year and a year and a half after. RV
	 * impedance 500 + 20 × i Ohm in the first year and 100 Ohm more in the second: median 610, quartiles
	 * 555 and 665. Three RV impedance alerts after the lead was first seen count, and one RA alert for
	 * the RA lead; one from before the lead was first seen and a battery alert do not.
	 */
	@Test
	void leadPerformanceIsByLeadModelWithEachMeasurementByYearSinceImplantAndOutOfRangeEventsPerLeadYear() throws Exception {
		String acme = stored(new Organization().setName("Acme leads " + UUID.randomUUID()));
		String manufacturerName = client.read().resource(Organization.class).withId(acme).execute().getName();
		String raModel = "RA-" + UUID.randomUUID();
		String rvModel = "RV-" + UUID.randomUUID();
		Instant leadsImplanted = Instant.parse("2020-01-01T00:00:00Z");
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int index = 0; index < 12; index++) {
			String patient = "urn:uuid:" + UUID.randomUUID();
			String generator = "urn:uuid:" + UUID.randomUUID();
			add(transaction, patient, new Patient().addIdentifier(uniqueIdentifier()));
			add(transaction, generator, new Device().setManufacturer(manufacturerName).setModelNumber("PM-" + raModel).setPatient(new Reference(patient))
					.setType(new CodeableConcept(new Coding(Mdc.SYSTEM, "753665", null))));
			String serial = UUID.randomUUID().toString();
			List<String> chambers = index < 11 ? List.of("RA", "RV", "LV") : List.of("RA", "RV");
			for (String chamber : chambers) {
				Device lead = new Device().setManufacturer(manufacturerName)
						.setModelNumber(chamber.equals("RA") ? raModel : chamber.equals("RV") ? rvModel : "decoy-" + rvModel)
						.setSerialNumber(serial + "-" + chamber).setPatient(new Reference(patient)).setParent(new Reference(generator));
				lead.addProperty().setType(new CodeableConcept(new Coding(Mdc.SYSTEM, "720966", "MDC_IDC_LEAD_LOCATION")))
						.addValueCode(new CodeableConcept().setText(chamber));
				add(transaction, "urn:uuid:" + UUID.randomUUID(), lead);
			}
			for (double years : List.of(0.5, 1.5)) {
				Observation interrogation = interrogation(patient, generator, new DateTimeType(Date.from(leadsImplanted.plus(years(years)))));
				for (int instance = 1; instance <= chambers.size(); instance++) {
					String chamber = chambers.get(instance - 1);
					value(interrogation, "720962", new StringType(serial + "-" + chamber)).addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new IntegerType(instance));
					value(interrogation, "720964", new DateTimeType(Date.from(leadsImplanted))).addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION,
							new IntegerType(instance));
				}
				value(interrogation, "722432", ohms(400 + 10 * index));
				value(interrogation, "722433", ohms(500 + 20 * index + (years > 1 ? 100 : 0)));
				add(transaction, "urn:uuid:" + UUID.randomUUID(), interrogation);
			}
			if (index < 3) {
				add(transaction, "urn:uuid:" + UUID.randomUUID(), alert(patient, generator, "ALERT-LEAD-01", "722433", "2020-09-01T10:00:00Z"));
			}
			if (index == 3) {
				add(transaction, "urn:uuid:" + UUID.randomUUID(), alert(patient, generator, "ALERT-LEAD-01", "722432", "2020-09-01T10:00:00Z"));
				add(transaction, "urn:uuid:" + UUID.randomUUID(), alert(patient, generator, "ALERT-LEAD-01", "722433", "2019-06-01T10:00:00Z"));
				add(transaction, "urn:uuid:" + UUID.randomUUID(), alert(patient, generator, "ALERT-BATT-01", "721280", "2020-09-01T10:00:00Z"));
			}
		}
		client.transaction().withBundle(transaction).execute();

		Parameters answer = as(TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).operation().onServer().named(LEAD_PERFORMANCE)
				.withNoParameters(Parameters.class).useHttpGet().execute();

		ParametersParameterComponent rv = modelStratum(answer, rvModel);
		assertThat(part(rv, "manufacturer")).isEqualTo(manufacturerName);
		assertThat(part(rv, "patients")).isEqualTo("12");
		assertThat(part(rv, "leads")).isEqualTo("12");
		assertThat(part(rv, "leadYears")).isEqualTo("12.0");
		assertThat(part(rv, "outOfRangeEvents")).isEqualTo("3");
		assertThat(part(rv, "outOfRangePerLeadYear")).isEqualTo("0.25");
		List<ParametersParameterComponent> impedance = rv.getPart().stream().filter(part -> part.getName().equals("impedance")).toList();
		assertThat(impedance).extracting(year -> part(year, "yearsSinceImplant") + ":" + part(year, "patients") + ":" + part(year, "lowerQuartile") + "/"
				+ part(year, "median") + "/" + part(year, "upperQuartile")).containsExactly("0:12:555.00/610.00/665.00", "1:12:655.00/710.00/765.00");
		assertThat(rv.getPart()).as("no threshold or sensing was sent").noneMatch(part -> part.getName().equals("pacingThreshold"));
		ParametersParameterComponent ra = modelStratum(answer, raModel);
		assertThat(part(ra, "outOfRangeEvents")).isEqualTo("1");
		assertThat(part(ra, "outOfRangePerLeadYear")).isEqualTo("0.08");
		assertThat(FHIR.newJsonParser().encodeResourceToString(answer)).doesNotContain("Patient/", "Device/");

		Parameters acmes = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs")).operation().onServer().named(LEAD_PERFORMANCE).withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(acmes.getParameters("stratum")).as("only Acme's own lead models").extracting(candidate -> part(candidate, "model"))
				.containsExactlyInAnyOrder(raModel, rvModel, "decoy-" + rvModel);

		HttpResponse<String> svg = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + LEAD_PERFORMANCE + "?chart=svg"))
				.header("Authorization", "Bearer " + TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).header("Accept", "image/svg+xml")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(svg.statusCode()).isEqualTo(200);
		assertThat(svg.body()).startsWith("<svg").contains(rvModel + ", 0.25 out of range per lead-year");
	}

	/**
	 * 12 patients with a SynchroMed II pump filled with sufentanil (which no other test prescribes), the
	 * latest order of pump i at 10 + i ug/d (patient 0's earlier order at 40 ug/d does not count): median
	 * 15.5, quartiles 12.75 and 18.25. Each pump refilled three times, 30 + i days apart: 24 intervals,
	 * median 35.5 days, quartiles 32.75 and 38.25. The checks warn that sufentanil is off-label in that
	 * pump (PUMP-03) on each order and each dispense, but today, after the month counted; the warnings
	 * counted are those of last year: one on each pump's order, and one more on patient 0's first fill.
	 */
	@Test
	void pumpTherapyIsDosesAndRefillIntervalsByDrugAndTheWarningsOfEachRule() throws Exception {
		String acme = stored(new Organization().setName("Acme pumps " + UUID.randomUUID()));
		String manufacturerName = client.read().resource(Organization.class).withId(acme).execute().getName();
		Instant firstFill = Instant.parse("2025-02-01T10:00:00Z");
		for (int index = 0; index < 12; index++) {
			String patient = stored(new Patient().addIdentifier(uniqueIdentifier()));
			String pump = stored(PumpInput.pump("8637-20", "20").setManufacturer(manufacturerName).setPatient(new Reference("Patient/" + patient)));
			if (index == 0) {
				stored(sufentanil("40").order(patient, pump).setAuthoredOn(Date.from(firstFill.minus(Duration.ofDays(10)))));
			}
			String order = "MedicationRequest/" + stored(sufentanil(String.valueOf(10 + index)).order(patient, pump).setAuthoredOn(Date.from(firstFill)));
			for (int fill = 0; fill < 3; fill++) {
				String dispense = stored(PumpInput.dispense(patient, order, PumpInput.of("sufentanil", "25", "ug/mL"), "20")
						.setWhenHandedOver(Date.from(firstFill.plus(Duration.ofDays((long) fill * (30 + index))))));
				if (index == 0 && fill == 0) {
					stored(offLabelLastYear(patient, "MedicationDispense/" + dispense));
				}
			}
			stored(offLabelLastYear(patient, order));
			if (index < 11) {
				String decoyPatient = stored(new Patient().addIdentifier(uniqueIdentifier()));
				String decoyPump = stored(PumpInput.pump("8637-20", "20").setManufacturer(manufacturerName).setPatient(new Reference("Patient/" + decoyPatient)));
				stored(PumpInput.of("clonidine", "500", "ug/mL").basal("100", "ug/d").order(decoyPatient, decoyPump).setAuthoredOn(Date.from(firstFill)));
			}
		}

		Parameters answer = as(TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).operation().onServer().named(PUMP_THERAPY)
				.withNoParameters(Parameters.class).useHttpGet().execute();

		ParametersParameterComponent dose = drugRow(answer, "dose", "Sufentanil");
		assertThat(List.of(part(dose, "unit"), part(dose, "patients"), part(dose, "pumps"), part(dose, "lowerQuartile"), part(dose, "median"),
				part(dose, "upperQuartile"))).containsExactly("ug/d", "12", "12", "12.75", "15.50", "18.25");
		ParametersParameterComponent interval = drugRow(answer, "refillInterval", "Sufentanil");
		assertThat(List.of(part(interval, "patients"), part(interval, "refills"), part(interval, "lowerQuartile"), part(interval, "median"),
				part(interval, "upperQuartile"))).containsExactly("12", "24", "32.75", "35.50", "38.25");
		ParametersParameterComponent offLabel = answer.getParameters("warning").stream()
				.filter(row -> "PUMP-03".equals(((Coding) row.getPart().get(0).getValue()).getCode())).findFirst().orElseThrow();
		assertThat(((Coding) offLabel.getPart().get(0).getValue()).getDisplay()).isEqualTo("off-label drug in a SynchroMed II pump");
		assertThat(part(offLabel, "patients")).isEqualTo("12");
		assertThat(part(offLabel, "firings")).isEqualTo("13");
		assertThat(FHIR.newJsonParser().encodeResourceToString(answer)).doesNotContain("Patient/", "Device/", "MedicationRequest/");

		Parameters acmes = as(TestClients.organisationSystemToken(baseUrl(), accessToken, "MANUFACTURER", "Organization/" + acme,
				"system/Device.rs")).operation().onServer().named(PUMP_THERAPY).withNoParameters(Parameters.class).useHttpGet().execute();
		assertThat(acmes.getParameters("dose")).as("only Acme's own pumps").extracting(row -> part(row, "drug"))
				.containsExactlyInAnyOrder("Sufentanil", "Clonidine");

		HttpResponse<String> svg = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fhirBase() + "/" + PUMP_THERAPY + "?chart=svg"))
				.header("Authorization", "Bearer " + TestClients.systemToken(baseUrl(), accessToken, "openimd.research")).header("Accept", "image/svg+xml")
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(svg.statusCode()).isEqualTo(200);
		assertThat(svg.body()).startsWith("<svg").contains("median 35.50 d, 24 refills");
	}

	private static DetectedIssue offLabelLastYear(String thePatient, String theImplicated) {
		return new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL).setPatient(new Reference("Patient/" + thePatient))
				.setIdentified(new DateTimeType("2025-03-01T10:00:00Z")).addImplicated(new Reference(theImplicated))
				.setCode(new CodeableConcept(new Coding(OpenImdUris.INTRATHECAL_RULE_SYSTEM, "PUMP-03", null)));
	}

	private static PumpInput sufentanil(String theBasalUgPerDay) {
		return PumpInput.of("sufentanil", "25", "ug/mL").basal(theBasalUgPerDay, "ug/d");
	}

	private static ParametersParameterComponent drugRow(Parameters theAnswer, String theName, String theDrug) {
		return theAnswer.getParameters(theName).stream().filter(row -> theDrug.equals(part(row, "drug"))).findFirst().orElseThrow();
	}

	private static ParametersParameterComponent modelStratum(Parameters theAnswer, String theModel) {
		return theAnswer.getParameters("stratum").stream().filter(candidate -> theModel.equals(part(candidate, "model"))).findFirst().orElseThrow();
	}

	private static Quantity ohms(int theOhms) {
		return new Quantity(theOhms).setUnit("Ohm").setSystem("http://unitsofmeasure.org").setCode("Ohm");
	}

	private static DetectedIssue alert(String thePatient, String theDevice, String theRule, String theJudged, String theWhen) {
		DetectedIssue alert = new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL).setPatient(new Reference(thePatient))
				.setIdentified(new DateTimeType(theWhen)).addImplicated(new Reference(theDevice))
				.setCode(new CodeableConcept(new Coding(OpenImdUris.ALERT_RULE_SYSTEM, theRule, null)));
		alert.addEvidence().addCode(new CodeableConcept(new Coding(Mdc.SYSTEM, theJudged, null)));
		return alert;
	}

	private static Duration years(double theYears) {
		return Duration.ofMinutes(Math.round(theYears * 365.25 * 24 * 60));
	}

	/**
	 * {@code theCount} patients, each with a device of {@code theType} made by {@code theManufacturer},
	 * two interrogations that report two episodes (the first of them in both), and one alert.
	 */
	private void followedUp(String theManufacturer, String theType, int theCount) {
		String manufacturerName = client.read().resource(Organization.class).withId(theManufacturer).execute().getName();
		Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
		for (int index = 0; index < theCount; index++) {
			String patient = "urn:uuid:" + UUID.randomUUID();
			String device = "urn:uuid:" + UUID.randomUUID();
			add(transaction, patient, new Patient().addIdentifier(uniqueIdentifier()));
			add(transaction, device, new Device().setManufacturer(manufacturerName).setPatient(new Reference(patient))
					.setType(new CodeableConcept(new Coding(Mdc.SYSTEM, theType, null))));
			Observation first = interrogation(patient, device, new DateTimeType("2025-01-10T09:00:00Z"));
			episode(first, 1, "E1", "2025-01-02T03:00:00Z");
			Observation second = interrogation(patient, device, new DateTimeType("2025-07-10T09:00:00Z"));
			episode(second, 1, "E1", "2025-01-02T03:00:00Z");
			episode(second, 2, "E2", "2025-06-02T03:00:00Z");
			add(transaction, "urn:uuid:" + UUID.randomUUID(), first);
			add(transaction, "urn:uuid:" + UUID.randomUUID(), second);
			add(transaction, "urn:uuid:" + UUID.randomUUID(), new DetectedIssue().setStatus(DetectedIssue.DetectedIssueStatus.FINAL)
					.setPatient(new Reference(patient)).setIdentified(new DateTimeType("2025-03-01T10:00:00Z")).addImplicated(new Reference(device)));
		}
		client.transaction().withBundle(transaction).execute();
	}

	private static Observation interrogation(String thePatient, String theDevice, DateTimeType theWhen) {
		Observation interrogation = new Observation().setStatus(Observation.ObservationStatus.FINAL).setSubject(new Reference(thePatient))
				.setDevice(new Reference(theDevice)).setEffective(theWhen);
		interrogation.getCode().addCoding(new Coding(OpenImdUris.CARDX_CIED_CODE_SYSTEM, OpenImdUris.CARDX_IDCO, "IDCO data"));
		return interrogation;
	}

	private static void episode(Observation theInterrogation, int theInstance, String theId, String theWhen) {
		value(theInterrogation, "739536", new StringType(theId)).addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new IntegerType(theInstance));
		value(theInterrogation, "739552", new DateTimeType(theWhen)).addExtension(OpenImdUris.IDCO_INSTANCE_EXTENSION, new IntegerType(theInstance));
	}

	private static Observation.ObservationComponentComponent value(Observation theInterrogation, String theCode, Type theValue) {
		return theInterrogation.addComponent().setCode(new CodeableConcept(new Coding(Mdc.SYSTEM, theCode, null))).setValue(theValue);
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
