package org.openimd.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium, driven through its chromium-driver over WebDriver, as a person's browser:
 * a fresh profile (no cookies, no storage) for each instance. Screenshots go to
 * {@code target/screenshots}.
 */
final class Browser implements AutoCloseable {

	static final Path CHROMIUM = Path.of("/usr/bin/chromium");
	static final Path CHROMIUM_DRIVER = Path.of("/usr/bin/chromedriver");
	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final String AXE = axeCore();

	final ChromeDriver driver;

	Browser() {
		ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
				.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-GB");
		driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(CHROMIUM_DRIVER.toFile()).build(), options);
	}

	Browser open(String theUrl) {
		driver.get(theUrl);
		return this;
	}

	WebElement await(By theElement) {
		return waitFor(ExpectedConditions.visibilityOfElementLocated(theElement));
	}

	void awaitText(By theElement, String theText) {
		waitFor(ExpectedConditions.textToBePresentInElementLocated(theElement, theText));
	}

	/** Waits until the page, which may be redrawn meanwhile, shows what {@code theCondition} looks for. */
	void awaitPage(String theWhat, Predicate<WebDriver> theCondition) {
		waitFor(new ExpectedCondition<Boolean>() {
			@Override
			public Boolean apply(WebDriver theDriver) {
				return theCondition.test(theDriver);
			}

			@Override
			public String toString() {
				return theWhat;
			}
		});
	}

	/** Waits, and when it waits in vain says where the browser is and what the page says. */
	private <T> T waitFor(ExpectedCondition<T> theCondition) {
		try {
			return new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class).until(theCondition);
		} catch (TimeoutException e) {
			throw new AssertionError("waited in vain at " + driver.getCurrentUrl() + " for " + theCondition + "; the page says:\n"
					+ driver.findElement(By.tagName("body")).getText(), e);
		}
	}

	/**
	 * What axe-core finds against WCAG 2.1 A and AA on the page as it is now: one line per rule broken,
	 * with the elements that break it.
	 */
	@SuppressWarnings("unchecked")
	List<String> accessibilityViolations() {
		driver.executeScript(AXE);
		return (List<String>) driver.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
				  .then(results => done(results.violations.map(violation => violation.id + ': ' + violation.help + ' at '
				    + violation.nodes.map(node => node.target.join(' ')).join(', '))))
				  .catch(error => done(['axe-core did not run: ' + error]));
				""");
	}

	void screenshot(String theName) {
		try {
			Files.createDirectories(SCREENSHOTS);
			Files.write(SCREENSHOTS.resolve(theName + ".png"), driver.getScreenshotAs(OutputType.BYTES));
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	@Override
	public void close() {
		driver.quit();
	}

	private static String axeCore() {
		try (InputStream axe = Browser.class.getResourceAsStream("/META-INF/resources/webjars/axe-core/4.6.3/axe.min.js")) {
			return new String(axe.readAllBytes(), StandardCharsets.UTF_8);
		} catch (IOException e) {
			throw new UncheckedIOException(e);
		}
	}

	/** Runs browser tests where Debian's chromium and chromium-driver are installed, as {@code .ci/run} installs them. */
	static final class Installed implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext theContext) {
			return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMIUM_DRIVER)
					? ConditionEvaluationResult.enabled("chromium and chromium-driver are installed")
					: ConditionEvaluationResult.disabled("install Debian's chromium and chromium-driver to run the browser tests");
		}
	}
}
