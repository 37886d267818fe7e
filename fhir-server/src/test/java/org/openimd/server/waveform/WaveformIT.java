package org.openimd.server.waveform;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import javax.imageio.ImageIO;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.TestClients;
import org.openimd.server.security.login.Role;
import org.openimd.terminology.OpenImdUris;

/** ECG strips stored as FHIR or uploaded as CSV, and drawn on ECG paper, for whoever may read them. */
class WaveformIT extends BaseServerIT {

	private static final String CSV_OF_AN_EGM = "egm-v,egm-a\n0.10,0.02\n0.12,0.03\n0.11,0.05\n";

	private final HttpClient myHttp = HttpClient.newHttpClient();
	private String alice;
	private String bob;
	private String alicesStrip;
	private String bobsStrip;

	@BeforeEach
	void twoPatientsWithARealEcgEach() {
		alice = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		bob = client.create().resource(new Patient().addIdentifier(uniqueIdentifier())).execute().getId().getIdPart();
		alicesStrip = store(WaveformSamples.twelveLeadEcg(), alice);
		bobsStrip = store(WaveformSamples.mitBih208Strips().get(2), bob);
	}

	private String store(Observation theStrip, String thePatient) {
		theStrip.setSubject(new Reference("Patient/" + thePatient)).setEffective(new org.hl7.fhir.r4.model.DateTimeType("2026-03-01T09:30:00+01:00"));
		return client.create().resource(theStrip).execute().getId().getIdPart();
	}

	@Test
	void aTwelveLeadEcgPostedAsFhirIsDrawnAsPngAndSvgOnPaperOfItsLength() throws Exception {
		HttpResponse<byte[]> png = render(alicesStrip, "", accessToken);
		assertThat(png.statusCode()).isEqualTo(200);
		assertThat(png.headers().firstValue("Content-Type")).get().asString().startsWith("image/png");
		BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.body()));
		// 10 s at 25 mm/s after 20 mm of labels and calibration, at 5 px/mm.
		assertThat(image.getWidth()).isEqualTo(275 * PngPaper.PIXELS_PER_MM);

		HttpResponse<byte[]> svg = render(alicesStrip, "?format=svg&start=2&seconds=4", accessToken);
		assertThat(svg.headers().firstValue("Content-Type")).get().asString().startsWith("image/svg+xml");
		String drawing = new String(svg.body(), java.nio.charset.StandardCharsets.UTF_8);
		assertThat(drawing).contains("width=\"125.00mm\"", ">V6<", "from 2.0 s");
	}

	@Test
	void samplesUploadedAsCsvBecomeAnEgmEpisodeOfThePatient() throws Exception {
		HttpResponse<String> created = importCsv("kind=egm-episode&subject=Patient/" + alice + "&effective=2026-03-01T09:30:00%2B01:00&rate=256&unit=mV",
				CSV_OF_AN_EGM, accessToken);

		assertThat(created.statusCode()).as(created.body()).isIn(200, 201);
		Observation episode = FHIR.newJsonParser().parseResource(Observation.class, created.body());
		Observation stored = client.read().resource(Observation.class).withId(episode.getIdElement().getIdPart()).execute();
		assertThat(stored.getSubject().getReference()).isEqualTo("Patient/" + alice);
		assertThat(stored.getCode().getCodingFirstRep().getCode()).isEqualTo(OpenImdUris.EGM_EPISODE);
		assertThat(stored.getComponent()).extracting(component -> component.getValueSampledData().getData()).containsExactly("0.10 0.12 0.11", "0.02 0.03 0.05");
		assertThat(render(stored.getIdElement().getIdPart(), "?format=svg", accessToken).statusCode()).isEqualTo(200);
	}

	@Test
	void badUploadsAreRefusedWithTheirReasonAndNothingStored() throws Exception {
		HttpResponse<String> badLine = importCsv("kind=ecg-strip&subject=Patient/" + alice + "&effective=2026-03-01T09:30:00Z&rate=500&unit=mV",
				"I,II\n1,2\n3\n", accessToken);
		assertThat(badLine.statusCode()).isEqualTo(400);
		assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, badLine.body()).getIssueFirstRep().getDiagnostics())
				.contains("line 3 has 1 values for 2 channels");

		Observation unreadable = WaveformSamples.mitBih208Strips().get(0);
		unreadable.getComponentFirstRep().getValueSampledData().getOrigin().setCode("mm");
		unreadable.setSubject(new Reference("Patient/" + alice)).setEffective(new org.hl7.fhir.r4.model.DateTimeType("2026-03-01T09:30:00+01:00"));
		HttpResponse<String> posted = myHttp.send(authorized("/fhir/Observation").header("Content-Type", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(unreadable))).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(posted.statusCode()).isEqualTo(422);
		assertThat(posted.body()).contains("channel MLII is in mm");
		assertThat(client.search().forResource(Observation.class).where(Observation.SUBJECT.hasId("Patient/" + alice))
				.returnBundle(org.hl7.fhir.r4.model.Bundle.class).execute().getEntry()).hasSize(1);
	}

	@Test
	void aPatientDrawsAndUploadsOnlyTheirOwnAndNobodyWithoutAReadingRightDrawsAnything() throws Exception {
		String alicesToken = personToken(Role.PATIENT, "Patient/" + alice, "openid fhirUser launch/patient patient/*.cruds");

		assertThat(render(alicesStrip, "", alicesToken).statusCode()).isEqualTo(200);
		for (String bad : List.of("seconds=abc", "start=x")) {
			HttpResponse<byte[]> refused = render(alicesStrip, "?" + bad, alicesToken);
			assertThat(refused.statusCode()).as(bad).isEqualTo(400);
			assertThat(new String(refused.body(), java.nio.charset.StandardCharsets.UTF_8)).as(bad).contains("OperationOutcome", bad.substring(0, bad.indexOf('=')));
		}
		// Left out of what the operation may read: not found, as for an id that does not exist, so nothing says it does.
		assertThat(render(bobsStrip, "", alicesToken).statusCode()).as("another patient's strip").isEqualTo(404);
		assertThat(render("999999999", "", alicesToken).statusCode()).as("no such strip").isEqualTo(404);
		assertThat(importCsv("kind=egm-episode&subject=Patient/" + bob + "&effective=2026-03-01T09:30:00Z&rate=256&unit=mV", CSV_OF_AN_EGM,
				alicesToken).statusCode()).as("an upload for another patient").isEqualTo(403);
		assertThat(importCsv("kind=egm-episode&subject=Patient/" + alice + "&effective=2026-03-01T09:30:00Z&rate=256&unit=mV", CSV_OF_AN_EGM,
				alicesToken).statusCode()).isIn(200, 201);

		String devicesOnly = TestClients.accessToken(baseUrl(), TestClients.DEVICE_READER, TestClients.DEVICE_READER_SCOPES);
		assertThat(render(alicesStrip, "", devicesOnly).statusCode()).as("a token without Observation scopes: as if absent").isEqualTo(404);
		assertThat(render(alicesStrip, "", null).statusCode()).as("no token").isEqualTo(401);
		String upload = "kind=egm-episode&subject=Patient/" + alice + "&effective=2026-03-01T09:30:00Z&rate=256&unit=mV";
		assertThat(importCsv(upload, CSV_OF_AN_EGM, devicesOnly).statusCode()).as("an upload without an Observation scope").isEqualTo(403);
		assertThat(importCsv(upload, CSV_OF_AN_EGM, null).statusCode()).as("an upload without a token").isEqualTo(401);
	}

	private HttpResponse<byte[]> render(String theObservation, String theQuery, String theToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fhirBase() + "/Observation/" + theObservation + "/$render" + theQuery));
		if (theToken != null) {
			request.header("Authorization", "Bearer " + theToken);
		}
		return myHttp.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private HttpResponse<String> importCsv(String theQuery, String theCsv, String theToken) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fhirBase() + "/Observation/$import-waveform?" + theQuery));
		if (theToken != null) {
			request.header("Authorization", "Bearer " + theToken);
		}
		return myHttp.send(request.header("Content-Type", "text/csv")
				.header("Accept", "application/fhir+json")
				.POST(HttpRequest.BodyPublishers.ofString(theCsv)).build(), HttpResponse.BodyHandlers.ofString());
	}
}
