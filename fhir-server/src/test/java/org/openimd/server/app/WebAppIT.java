package org.openimd.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openimd.server.demo.DemoServerIT;
import org.openimd.server.security.AppAuthorization;
import org.openimd.server.security.AuthProperties;
import org.openimd.server.security.SmartClientRegistry;
import org.openimd.server.security.login.UserAccounts;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The web app on the demo server, in headless Chromium: each demo person signs in with password and
 * authenticator code as they would, and sees their role's pages with their own patients only.
 */
@ExtendWith(Browser.Installed.class)
class WebAppIT extends DemoServerIT {

	private static final HttpClient HTTP = HttpClient.newHttpClient();
	private static final Logger LOG = LoggerFactory.getLogger(WebAppIT.class);
	/** The smallest PDF a viewer opens: one empty page. */
	private static final String MINIMAL_PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
			+ "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

	@Autowired
	SmartClientRegistry clients;

	@Autowired
	UserAccounts accounts;

	@Autowired
	JdbcTemplate jdbc;

	/** The app's address: the loopback address, where it is registered. */
	private String appUrl() {
		return "http://127.0.0.1:" + port + "/app/";
	}

	@Test
	void theLandingPageSaysWhatOpenImdIsAndLeadsToSignIn() {
		try (Browser browser = new Browser().open("http://127.0.0.1:" + port + "/")) {
			assertThat(browser.driver.getTitle()).contains("OpenIMD");
			assertThat(browser.accessibilityViolations()).as("the landing page against WCAG 2.1 AA").isEmpty();
			WebElement signIn = browser.await(By.linkText("Sign in"));
			assertThat(signIn.getAttribute("href")).endsWith("/app/");
			assertThat(browser.driver.findElement(By.linkText("The FHIR API's CapabilityStatement")).getAttribute("href")).endsWith("/fhir/metadata");

			signIn.click();
			browser.await(By.name("username"));
			assertThat(browser.driver.getCurrentUrl()).contains("/auth/login");
			assertThat(browser.accessibilityViolations()).as("the sign-in page").isEmpty();
		}
	}

	@Test
	void theManufacturerSignsInAndIsToldTheirWorkGoesThroughTheApi() throws Exception {
		try (Browser browser = new Browser()) {
			signIn(browser, user(credentials(), "manufacturer"));
			browser.awaitText(By.tagName("main"), "$manufacturer-export");
			assertThat(browser.driver.findElement(By.id("nav")).getText()).isEmpty();
		}
	}

	@Test
	void theClinicianWorksTheirWorklistAndFollowsAPatientUpOnlyForTheirOwnPatients() throws Exception {
		JsonNode credentials = credentials();
		List<String> patients = patients(credentials);
		String theirs = patients.get(0);
		Set<String> notTheirs = Set.of(patients.get(2), patients.get(3));

		String egm = client.create().resource(new DocumentReference().setStatus(Enumerations.DocumentReferenceStatus.CURRENT)
				.setSubject(new Reference("Patient/" + theirs)).setDescription("EGM for the browser test")
				.addContent(new DocumentReference.DocumentReferenceContentComponent(new Attachment().setContentType("application/pdf")
						.setData(MINIMAL_PDF.getBytes(StandardCharsets.US_ASCII))))).execute().getId().getIdPart();

		try (Browser browser = new Browser()) {
			signIn(browser, user(credentials, "clinician"));
			browser.await(By.cssSelector("tr[data-task]"));
			// A figure for the docs, not a verdict: timings are benchmarks' business.
			LOG.info("The worklist was shown {} ms after the app's page began to load, the code exchange and its searches included",
					browser.driver.executeScript("return Math.round(performance.now())"));
			browser.screenshot("worklist");
			assertThat(browser.accessibilityViolations()).as("the worklist").isEmpty();
			Set<String> listed = browser.driver.findElements(By.cssSelector("tr[data-task] a")).stream()
					.map(link -> link.getAttribute("href").replaceAll(".*#/patient/", "")).collect(Collectors.toSet());
			assertThat(listed).isNotEmpty().isSubsetOf(Set.of(patients.get(0), patients.get(1)));
			String worklist = browser.driver.findElement(By.tagName("main")).getText();
			notTheirs.forEach(other -> assertThat(worklist).doesNotContain(fullName(other)));
			assertThat(browser.driver.findElement(By.cssSelector("[data-priority-count=routine]")).getText()).matches("\\d+");

			browser.driver.get(appUrl() + "#/patient/" + theirs);
			browser.await(By.cssSelector("[data-interrogation] table"));
			browser.await(By.cssSelector(".charts canvas"));
			browser.driver.executeScript("document.getElementById('trends').scrollIntoView()");
			browser.screenshot("patient-page");
			assertThat(browser.accessibilityViolations()).as("the patient page").isEmpty();
			String page = browser.driver.findElement(By.tagName("main")).getText();
			assertThat(page).contains(fullName(theirs), "Devices and leads", "Latest interrogation", "Trends", "Lead impedance", "Ohm");
			assertThat(browser.driver.findElement(By.cssSelector("[data-interrogation]")).getText()).as("labels, not MDC reference ids")
					.doesNotContain("MDC_IDC_").contains("pacing impedance");
			assertThat(browser.driver.findElement(By.cssSelector("[data-battery=status]")).getText()).isNotBlank();
			assertThat(browser.driver.findElements(By.cssSelector("[data-device]"))).isNotEmpty();
			browser.driver.findElement(By.cssSelector("[data-document='" + egm + "'] button")).click();
			assertThat(browser.await(By.cssSelector("[data-document='" + egm + "'] iframe")).getAttribute("src")).as("the PDF inline")
					.startsWith("blob:");

			String other = patients.get(2);
			browser.driver.get(appUrl() + "#/patient/" + other);
			browser.awaitText(By.tagName("main"), "Something went wrong");
			assertThat(browser.driver.findElement(By.tagName("main")).getText()).doesNotContain(fullName(other));

			String launch = ehrLaunch("demo-clinician", WebAppRegistration.CLIENT_ID, patients.get(1));
			browser.driver.get(appUrl() + "?launch=" + launch + "&iss=" + "http://127.0.0.1:" + port + "/fhir");
			allowOnTheWayTo(browser, appUrl() + "#");
			browser.await(By.cssSelector("[data-interrogation]"));
			assertThat(browser.driver.getCurrentUrl()).endsWith("#/patient/" + patients.get(1)).doesNotContain("code=").doesNotContain("launch=");
			assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains(fullName(patients.get(1)));
			assertThat((String) browser.driver.executeScript("return JSON.stringify(localStorage) + JSON.stringify(sessionStorage)"))
					.as("no token kept in the browser's storage").doesNotContain("access_token").doesNotContain("eyJ");

			// Every token of the clinician's revoked: the app's next request is refused, and it is authorised again without a page.
			assertThat(jdbc.update("DELETE FROM oauth2_authorization WHERE principal_name = ?", "demo-clinician")).isPositive();
			browser.driver.get(appUrl() + "#/worklist");
			browser.await(By.cssSelector("tr[data-task]"));
			assertThat(browser.driver.getCurrentUrl()).endsWith("/app/#/worklist");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM oauth2_authorization WHERE principal_name = ?", Integer.class, "demo-clinician"))
					.as("a new authorization").isPositive();
		}
	}

	@Test
	void aStripGoesFromTheClinicianOnEcgPaperToTheReviewerAsADeidentifiedCopyAndTheAnalysisComesBack() throws Exception {
		JsonNode credentials = credentials();
		String patient = patients(credentials).get(0);
		String question = "Browser test " + UUID.randomUUID() + ": ectopy?";

		try (Browser clinician = new Browser(); Browser reviewer = new Browser()) {
			signIn(clinician, user(credentials, "clinician"));
			clinician.driver.get(appUrl() + "#/patient/" + patient);
			WebElement recording = clinician.await(By.cssSelector("[data-recording]"));
			recording.findElement(By.xpath(".//button[text()='Show on ECG paper']")).click();
			WebElement paper = clinician.await(By.cssSelector("[data-recording] canvas.ecg-paper"));
			recording.findElement(By.xpath(".//button[text()='Zoom in']")).click();
			recording.findElement(By.xpath(".//button[text()='Calipers']")).click();
			new Actions(clinician.driver).moveToElement(paper, -200, 0).click().moveToElement(paper, -100, 0).click().perform();
			clinician.awaitText(By.cssSelector("[data-recording] .caliper-readout"), "per minute");
			assertThat(recording.findElement(By.cssSelector(".caliper-readout")).getText()).matches("Interval \\d+ ms \\(\\d+ per minute\\), height \\d+\\.\\d\\d mV");
			// the same from the keyboard: a caliper at the cursor, the cursor five 5 mm squares (1 s at 25 mm/s) on, another
			paper.sendKeys(Keys.ENTER);
			for (int square = 0; square < 5; square++) {
				paper.sendKeys(Keys.chord(Keys.SHIFT, Keys.ARROW_RIGHT));
			}
			paper.sendKeys(Keys.ENTER);
			clinician.awaitText(By.cssSelector("[data-recording] .caliper-readout"), "Interval 1000 ms (60 per minute)");
			clinician.driver.executeScript("arguments[0].scrollIntoView()", recording);
			clinician.screenshot("ecg-viewer");
			assertThat(clinician.accessibilityViolations()).as("the ECG viewer").isEmpty();
			recording.findElement(By.name("question")).sendKeys(question);
			recording.findElement(By.xpath(".//button[text()='Send for review']")).click();
			clinician.awaitText(By.cssSelector("[data-recording] .send-for-review"), "Sent for review.");

			signIn(reviewer, user(credentials, "reviewer"));
			reviewer.await(By.linkText(question)).click();
			assertThat(reviewer.await(By.cssSelector("canvas.ecg-paper")).getAttribute("aria-label")).as("leads by their names")
					.contains(": II").doesNotContain("MDC_");
			String copy = reviewer.driver.findElement(By.tagName("main")).getText();
			assertThat(copy).contains(question, "de-identified").doesNotContain(fullName(patient));
			reviewer.screenshot("review-assignment");
			assertThat(reviewer.accessibilityViolations()).as("the assignment").isEmpty();
			reviewer.driver.findElement(By.id("conclusion")).sendKeys("Frequent premature ventricular contractions.");
			reviewer.driver.findElement(By.name("code")).sendKeys("427172004");
			reviewer.driver.findElement(By.name("display")).sendKeys("Premature ventricular contraction");
			reviewer.driver.findElement(By.xpath("//button[text()='Send analysis']")).click();
			reviewer.awaitText(By.tagName("main"), "your analysis was sent");

			clinician.driver.navigate().refresh();
			clinician.await(By.cssSelector("[data-notice]"));
			assertThat(clinician.driver.findElements(By.cssSelector("[data-notice]"))).extracting(WebElement::getText)
					.anySatisfy(notice -> assertThat(notice).contains("analysis", "Frequent premature ventricular contractions."));
		}
	}

	@Test
	void thePatientSeesTheirOwnDevicesOnAPhoneToTheirTransmissionsAndWritesToTheirClinic() throws Exception {
		JsonNode credentials = credentials();
		String own = patients(credentials).get(0);

		try (Browser browser = new Browser()) {
			signIn(browser, user(credentials, "patient"));
			browser.await(By.cssSelector("[data-interrogation]"));
			browser.screenshot("patient-own-devices");
			assertThat(browser.driver.findElement(By.tagName("h1")).getText()).contains(fullName(own));
			assertThat(browser.driver.findElement(By.id("nav")).getText()).doesNotContain("Worklist");
			browser.driver.manage().window().setSize(new Dimension(390, 844));
			browser.awaitPage("the page laid out for a phone's width",
					driver -> (Boolean) ((JavascriptExecutor) driver).executeScript("return window.innerWidth <= 400"));
			assertThat((Boolean) browser.driver.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"))
					.as("the page fits a phone's width").isTrue();
			assertThat(browser.accessibilityViolations()).as("the patient's own page on a phone").isEmpty();
			browser.driver.manage().window().setSize(new Dimension(1280, 1000));

			browser.driver.get(appUrl() + "#/transmissions");
			browser.await(By.cssSelector("tr[data-transmission]"));
			assertThat(browser.driver.findElement(By.cssSelector("[data-next-due]")).getAttribute("data-next-due")).isNotBlank();
			String message = "From the browser test " + UUID.randomUUID();
			browser.driver.get(appUrl() + "#/messages");
			browser.await(By.id("message")).sendKeys(message);
			browser.driver.findElement(By.xpath("//button[text()='Send']")).click();
			browser.awaitText(By.cssSelector(".messages"), message);

			// Each reload authorises the app again, on the sign-in session whose cookie the page's own requests carried.
			for (int reload = 0; reload < 3; reload++) {
				browser.driver.navigate().refresh();
				browser.awaitText(By.cssSelector(".messages"), message);
			}
		}
	}

	@Test
	void aThirdPartyBrowserAppOnTheReferenceSmartClientReadsThePatientsRecordAcrossOrigins() throws Exception {
		JsonNode credentials = credentials();
		String own = patients(credentials).get(0);

		try (Browser browser = new Browser(); ThirdPartyBrowserApp app = new ThirdPartyBrowserApp("http://127.0.0.1:" + port + "/fhir")) {
			clients.register(new AuthProperties.App(ThirdPartyBrowserApp.CLIENT_ID, "A gallery's browser app", false, null,
					List.of(app.redirectUri()), List.of("openid", "fhirUser", "launch/patient", "patient/*.rs")));
			browser.open(app.launchUrl());
			signInAt(browser, user(credentials, "patient"));
			allowOnTheWayTo(browser, app.redirectUri());
			// Not "any title but working": until the redirect lands, the title is the consent page's.
			new WebDriverWait(browser.driver, Duration.ofSeconds(30))
					.until(ExpectedConditions.or(ExpectedConditions.titleIs("read"), ExpectedConditions.titleIs("failed")));
			assertThat(browser.driver.getTitle()).as(browser.driver.findElement(By.id("out")).getText()).isEqualTo("read");
			assertThat(browser.driver.findElement(By.id("out")).getText())
					.isEqualTo(client.read().resource(Patient.class).withId(own).execute().getNameFirstRep().getFamily());
		}
	}

	@Test
	void thePharmacistSeesTheirPumpOrderChecksAChangedDoseLiveAndTheRefillCalendar() throws Exception {
		JsonNode credentials = credentials();
		String order = credentials.get("records").get("pumpOrder").asText().replace("MedicationRequest/", "");
		List<String> patients = patients(credentials);

		try (Browser browser = new Browser()) {
			signIn(browser, user(credentials, "pharmacist"));
			browser.await(By.cssSelector("tr[data-order]"));
			assertThat(browser.driver.findElements(By.cssSelector("tr[data-order]"))).extracting(row -> row.getAttribute("data-order"))
					.contains(order);
			String list = browser.driver.findElement(By.tagName("main")).getText();
			assertThat(list).contains(fullName(patients.get(2)));
			List.of(patients.get(0), patients.get(1), patients.get(3)).forEach(other -> assertThat(list).doesNotContain(fullName(other)));

			browser.driver.get(appUrl() + "#/order/" + order);
			browser.await(By.cssSelector("[data-check-status=ACCEPT]"));
			assertThat(browser.driver.findElement(By.cssSelector("[data-refill-interval]")).getText()).matches("\\d+ days");
			browser.screenshot("pump-order");
			assertThat(browser.accessibilityViolations()).as("the pump order").isEmpty();
			WebElement dose = browser.driver.findElement(By.name("rate"));
			dose.clear();
			dose.sendKeys("1000");
			browser.await(By.cssSelector("[data-check-status=REJECT]"));
			assertThat(browser.driver.findElements(By.cssSelector("[data-rule]"))).extracting(rule -> rule.getAttribute("data-rule"))
					.anySatisfy(rule -> assertThat(rule).matches("[A-Z]+-\\d+"));

			browser.driver.get(appUrl() + "#/refills");
			browser.await(By.cssSelector("tr[data-refill='" + order + "']"));
			assertThat(browser.driver.findElement(By.cssSelector("tr[data-refill='" + order + "']")).getText()).contains(fullName(patients.get(2)));
			browser.driver.get(appUrl() + "#/dispenses");
			browser.await(By.cssSelector("tr[data-dispense]"));
		}
	}

	@Test
	void theAdministratorCreatesAnAccountSeesItsQrCodeOnceAndSearchesTheAuditTrail() throws Exception {
		JsonNode credentials = credentials();
		String username = "browser-made-" + UUID.randomUUID().toString().substring(0, 8);

		try (Browser browser = new Browser()) {
			signIn(browser, user(credentials, "admin"));
			browser.await(By.cssSelector("tr[data-user='demo-clinician']"));
			browser.driver.findElement(By.name("username")).sendKeys(username);
			browser.driver.findElement(By.name("password")).sendKeys("a long enough password");
			browser.driver.findElement(By.xpath("//button[text()='Create account']")).click();
			WebElement enrolment = browser.await(By.cssSelector("[data-enrolment='" + username + "']"));
			assertThat((Boolean) browser.driver.executeScript("return arguments[0].complete && arguments[0].naturalWidth > 0",
					enrolment.findElement(By.tagName("img")))).as("the QR code is drawn").isTrue();
			assertThat(enrolment.findElement(By.tagName("code")).getText()).isEqualTo(accounts.find(username).orElseThrow().totpSecret());
			assertThat(enrolment.findElements(By.cssSelector(".recovery li"))).hasSize(10);
			browser.screenshot("new-account");
			assertThat(browser.accessibilityViolations()).as("the accounts page").isEmpty();

			browser.driver.navigate().refresh();
			browser.await(By.cssSelector("tr[data-user='" + username + "']"));
			assertThat(browser.driver.findElements(By.cssSelector("[data-enrolment]"))).as("shown once").isEmpty();

			browser.driver.get(appUrl() + "#/clients");
			browser.await(By.cssSelector("tr[data-client='" + WebAppRegistration.CLIENT_ID + "']"));
			// a refused request, so that the trail has a failure to find
			assertThat(HTTP.send(HttpRequest.newBuilder(URI.create(fhirBase() + "/Patient")).build(), HttpResponse.BodyHandlers.ofString())
					.statusCode()).isEqualTo(401);
			browser.driver.get(appUrl() + "#/audit");
			browser.await(By.cssSelector("tr[data-audit-event]"));
			new Select(browser.driver.findElement(By.name("outcome"))).selectByVisibleText("failure");
			browser.driver.findElement(By.xpath("//button[text()='Search']")).click();
			browser.awaitPage("only failures listed", driver -> {
				List<WebElement> outcomes = driver.findElements(By.cssSelector("tr[data-audit-event] td:nth-child(3)"));
				return !outcomes.isEmpty() && outcomes.stream().allMatch(outcome -> outcome.getText().startsWith("failure"));
			});
		}
	}

	private void signIn(Browser theBrowser, JsonNode thePerson) {
		theBrowser.open(appUrl());
		signInAt(theBrowser, thePerson);
		allowOnTheWayTo(theBrowser, appUrl());
	}

	/** Signs in on the sign-in page an app has sent the browser to, with password and a fresh authenticator code. */
	private void signInAt(Browser theBrowser, JsonNode thePerson) {
		theBrowser.await(By.name("username")).sendKeys(thePerson.get("username").asText());
		theBrowser.driver.findElement(By.name("password")).sendKeys(thePerson.get("password").asText());
		theBrowser.driver.findElement(By.cssSelector("button[type=submit]")).click();
		theBrowser.await(By.name("code")).sendKeys(AppAuthorization.unusedCode(accounts.find(thePerson.get("username").asText()).orElseThrow(), 0));
		theBrowser.driver.findElement(By.cssSelector("button[type=submit]")).click();
	}

	/** Allows on the consent page, when the app asks for permissions not given before, on its way to {@code theApp}. */
	private static void allowOnTheWayTo(Browser theBrowser, String theApp) {
		theBrowser.awaitPage("the consent page or " + theApp,
				driver -> driver.getCurrentUrl().contains("/auth/consent") || driver.getCurrentUrl().startsWith(theApp));
		if (theBrowser.driver.getCurrentUrl().contains("/auth/consent")) {
			theBrowser.driver.findElement(By.xpath("//button[text()='Allow']")).click();
		}
	}

	private String ehrLaunch(String theUsername, String theClientId, String thePatient) throws Exception {
		HttpResponse<String> response = HTTP.send(authorized("/smart/launch")
				.header("Content-Type", "application/x-www-form-urlencoded")
				.POST(HttpRequest.BodyPublishers.ofString("username=" + theUsername + "&client_id=" + theClientId + "&patient=" + thePatient))
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
		return AppAuthorization.json(response).get("launch").asText();
	}

	private static List<String> patients(JsonNode theCredentials) {
		return StreamSupport.stream(theCredentials.get("records").get("patients").spliterator(), false)
				.map(patient -> patient.asText().replace("Patient/", "")).toList();
	}

	private String fullName(String thePatientId) {
		return client.read().resource(Patient.class).withId(thePatientId).execute().getNameFirstRep().getNameAsSingleString();
	}
}
