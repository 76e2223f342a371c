package io.polysync.standalone.ui;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.util.FileSystemUtils;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * Debian's headless Chromium driven through its chromedriver (both paths set, so Selenium never downloads anything),
 * with a fresh profile deleted on {@link #close()}. Every SEVERE message of the browser console fails the test at
 * {@link #close()} unless the test said it expects it ({@link #allowConsoleError}), so use it in try-with-resources:
 * <pre>{@code
 * try (Browser browser = Browser.open()) {
 *     browser.signIn("admin", UiTestApp.adminPassword());
 *     browser.get("/profiles");
 *     browser.screenshot("profiles-list");
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {

    public static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String CHROMIUM = System.getProperty("polysync.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("polysync.chromedriver", "/usr/bin/chromedriver");
    private static final Dimension DESKTOP = new Dimension(1280, 900);

    private final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;
    private final String baseUrl;
    private final List<String> consoleErrors = new ArrayList<>();
    private final List<String> allowedErrors = new ArrayList<>();

    private Browser(String baseUrl) throws IOException {
        this.baseUrl = baseUrl;
        this.profile = Files.createTempDirectory("polysync-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile,
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        this.service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    /** A browser for the shared {@link UiTestApp} (started if needed). */
    public static Browser open() {
        return open(UiTestApp.baseUrl());
    }

    public static Browser open(String baseUrl) {
        try {
            return new Browser(baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    public String baseUrl() {
        return baseUrl;
    }

    /** Opens {@code path} of the app ({@code /tasks}) and waits for the page to load. */
    public Browser get(String path) {
        drainConsole();
        driver.get(baseUrl + path);
        return this;
    }

    /** The path and query of the current page, e.g. {@code /login?error}. */
    public String path() {
        String url = driver.getCurrentUrl();
        return url.startsWith(baseUrl) ? url.substring(baseUrl.length()) : url;
    }

    /** Signs in through the login page and waits until the app shows the signed-in user. */
    public Browser signIn(String username, String password) {
        get("/login");
        submitLogin(username, password);
        waitFor(By.cssSelector("[data-testid=signed-in-user]"));
        return this;
    }

    /** Fills and submits the login form without waiting for success (for tests of a failed sign-in). */
    public Browser submitLogin(String username, String password) {
        WebElement user = waitFor(By.id("username"));
        user.clear();
        user.sendKeys(username);
        WebElement pass = driver.findElement(By.id("password"));
        pass.clear();
        pass.sendKeys(password);
        driver.findElement(By.id("sign-in")).click();
        return this;
    }

    public void signOut() {
        driver.findElement(By.id("sign-out")).click();
        waitFor(By.id("username"));
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /** Waits (up to 10 s) until {@code by} is visible, and returns it. */
    public WebElement waitFor(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** A wait of 10 s polling every 100 ms, for conditions of one's own. */
    public WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    /** Replaces the text of the input {@code by} with {@code text}. */
    public WebElement type(By by, String text) {
        WebElement input = driver.findElement(by);
        input.clear();
        input.sendKeys(text);
        return input;
    }

    public Object script(String javascript, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(javascript, args);
    }

    /** Resizes the window (CSS pixels), e.g. {@code resize(390, 844)} for a phone. */
    public Browser resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        return this;
    }

    /**
     * Saves the whole page (the window grown to the document's height for the shot) as
     * {@code standalone/target/screenshots/<name>.png} and returns the file.
     */
    public Path screenshot(String name) {
        Dimension window = driver.manage().window().getSize();
        try {
            Number height = (Number) script("return Math.max(document.body.scrollHeight, "
                    + "document.documentElement.scrollHeight)");
            int chrome = window.height - ((Number) script("return window.innerHeight")).intValue();
            int wanted = Math.min(Math.max(window.height, height.intValue() + chrome), 6000);
            if (wanted != window.height) {
                driver.manage().window().setSize(new Dimension(window.width, wanted));
            }
            File shot = driver.getScreenshotAs(OutputType.FILE);
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.manage().window().setSize(window);
            drainConsole();
        }
    }

    /** Console errors containing {@code fragment} (e.g. {@code "403"} for a page the test expects to be refused) pass. */
    public Browser allowConsoleError(String fragment) {
        allowedErrors.add(fragment);
        return this;
    }

    /** SEVERE console messages so far that no {@link #allowConsoleError} covers. */
    public List<String> consoleErrors() {
        drainConsole();
        return List.copyOf(consoleErrors);
    }

    private void drainConsole() {
        for (LogEntry entry : driver.manage().logs().get(LogType.BROWSER)) {
            if (entry.getLevel().intValue() >= Level.SEVERE.intValue()
                    && allowedErrors.stream().noneMatch(entry.getMessage()::contains)) {
                consoleErrors.add(entry.getMessage());
            }
        }
    }

    /** Quits the browser and deletes its profile; fails if the console showed an error no test allowed. */
    @Override
    public void close() {
        List<String> errors;
        try {
            errors = consoleErrors();
        } finally {
            driver.quit();
            service.stop();
            try {
                FileSystemUtils.deleteRecursively(profile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!errors.isEmpty()) {
            throw new AssertionError("the browser console showed errors: " + errors);
        }
    }
}
