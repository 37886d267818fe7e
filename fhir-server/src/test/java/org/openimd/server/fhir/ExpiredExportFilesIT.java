package org.openimd.server.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.IJobPersistence;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.hl7.fhir.r4.model.Device;
import org.junit.jupiter.api.Test;
import org.openimd.server.BaseServerIT;
import org.openimd.server.BulkDataClient;
import org.springframework.beans.factory.annotation.Autowired;

/** An export's files stay for two hours after the job ended, then go, each in a transaction of its own, with the job. */
class ExpiredExportFilesIT extends BaseServerIT {

	@Autowired
	ExpiredExportFiles expired;

	@Autowired
	IJobPersistence jobs;

	@Test
	void anExportsFilesAndJobGoOnceKeptLongEnough() throws Exception {
		String manufacturer = "expiring-export-" + UUID.randomUUID();
		for (int i = 0; i < 3; i++) {
			stored(new Device().setManufacturer(manufacturer));
		}
		BulkDataClient bulk = new BulkDataClient(fhirBase());
		String status = bulk.kickOff(accessToken, "$export?_type=Device&_typeFilter="
				+ URLEncoder.encode("Device?manufacturer=" + manufacturer, StandardCharsets.UTF_8)).headers().firstValue("Content-Location").orElseThrow();
		JsonNode manifest = bulk.manifestOnceDone(accessToken, status);
		List<String> files = StreamSupport.stream(manifest.get("output").spliterator(), false).map(file -> file.get("url").asText()).toList();
		assertThat(files).isNotEmpty();

		expired.purge();
		assertThat(files).as("kept for two hours after the job ended").allSatisfy(file -> assertThat(statusOf(bulk, file)).isEqualTo(200));
		assertThat(statusOf(bulk, status)).isEqualTo(200);

		Instant hoursLater = Instant.now().plus(ExpiredExportFiles.KEPT).plusSeconds(60);
		assertThat(expired.purgeEndedBefore(hoursLater, Instant.now().plus(Duration.ofMinutes(5)))).isGreaterThanOrEqualTo(files.size());
		assertThat(files).as("gone once expired").allSatisfy(file -> assertThat(statusOf(bulk, file)).isIn(404, 410));
		assertThat(jobs.fetchInstance(status.substring(status.indexOf("_jobId=") + "_jobId=".length()))).as("the job too").isEmpty();
		assertThat(statusOf(bulk, status)).as("answered as someone else's job is").isEqualTo(403);
	}

	private int statusOf(BulkDataClient theBulk, String theUrl) {
		try {
			return theBulk.send(accessToken, HttpRequest.newBuilder(URI.create(theUrl)).GET()).statusCode();
		} catch (Exception e) {
			throw new IllegalStateException(e);
		}
	}
}
