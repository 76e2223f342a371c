package io.polysync.standalone.ui;

import io.polysync.standalone.PolysyncClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runs pages in a real browser against the standalone app: runs change state on screen without a reload,
 * a failed run shows its error and its retry chain, the filters, and Cancel of a queued run.
 */
class RunsBrowserIT {

    /** Set on the page's window; still there later only if the page was never reloaded. */
    private static final String MARKER = "window.__runsPageMarker";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final String VIEWER_PASSWORD = "viewer-password-for-runs";

    private final PolysyncClient api = UiTestApp.api();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    @Test
    void runOnceTurnsSucceededOnTheRunPageAndInTheListWithoutAReload() {
        String task = shellTask("hello", "sleep 4; echo ::output greeting=hello", "");
        try (Browser browser = Browser.open()) {
            signIn(browser);

            browser.get("/tasks/" + task + "/runs");
            browser.waitFor(By.id("runs-table"));
            awaitLive(browser);
            markPage(browser);
            String listed = runOnce(task, "");
            By row = By.cssSelector("tr[data-run-id='" + listed + "']");
            live(browser).until(ExpectedConditions.visibilityOfElementLocated(row));
            assertThat(text(browser, row)).contains("MANUAL");
            live(browser).until(d -> stateInRow(browser, listed).equals("SUCCEEDED"));
            assertPageNotReloaded(browser);
            assertThat(text(browser, By.cssSelector("tr[data-run-id='" + listed + "'] [data-field=finishedAt]"))).isNotBlank();
            browser.screenshot("runs-task-list-succeeded");

            String watched = runOnce(task, "");
            browser.get("/runs/" + watched);
            assertThat(text(browser, By.id("run-state"))).isIn("QUEUED", "RUNNING");
            markPage(browser);
            live(browser).until(ExpectedConditions.textToBe(By.id("run-state"), "SUCCEEDED"));
            assertPageNotReloaded(browser);
            assertThat(text(browser, By.id("run-outputs"))).contains("greeting").contains("hello");
            assertThat(text(browser, By.id("run-history")))
                    .contains("QUEUED").contains("RUNNING").contains("SUCCEEDED");
            assertThat(text(browser, By.id("run-parameters"))).contains("command");
            assertThat(browser.findAll(By.id("cancel-run"))).isEmpty();
            browser.screenshot("run-succeeded");

            browser.resize(390, 844);
            browser.screenshot("run-succeeded-narrow");
            browser.get("/runs");
            browser.waitFor(By.cssSelector("tr[data-run-id='" + watched + "']"));
            browser.screenshot("runs-list-narrow");
        }
    }

    @Test
    void aFailedRunShowsItsErrorAndLinksItsRetryBothWays() {
        String task = shellTask("broken", "echo disk full >&2; exit 1",
                ",\"retry\":{\"enabled\":true,\"maxRetryAttempts\":1,\"backoff\":\"FIXED\",\"initialDelaySeconds\":1}");
        String first = runOnce(task, "");
        try (Browser browser = Browser.open()) {
            signIn(browser);
            browser.get("/runs/" + first);
            awaitLive(browser);
            markPage(browser);

            live(browser).until(ExpectedConditions.textToBe(By.id("run-state"), "FAILED"));
            live(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("retried-as")));
            assertPageNotReloaded(browser);
            assertThat(text(browser, By.id("error-reason"))).isEqualTo("EXECUTION_FAILED");
            assertThat(text(browser, By.id("error-message"))).contains("disk full");
            assertThat(text(browser, By.id("run-error"))).contains("Retryable").contains("yes");
            assertThat(text(browser, By.id("attempt-chain"))).contains("Retried as");
            browser.screenshot("run-failed-retried");

            click(browser, By.id("retried-as"));
            browser.waitFor(By.id("retry-of"));
            String retryOf = live(browser).ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(By.id("retry-of")).getAttribute("href"));
            assertThat(retryOf).endsWith("/runs/" + first);
            assertThat(text(browser, By.id("run-attempt"))).isEqualTo("2");
            live(browser).until(ExpectedConditions.textToBe(By.id("run-state"), "FAILED"));
            assertThat(text(browser, By.id("error-message"))).contains("disk full");
            assertThat(browser.findAll(By.id("retried-as"))).isEmpty();
            browser.screenshot("run-retry-failed");

            browser.get("/tasks/" + task + "/runs");
            assertThat(browser.findAll(By.cssSelector("tr[data-run-id]"))).hasSize(2);
            assertThat(text(browser, By.id("runs-table"))).contains("RETRY").contains("MANUAL");
        }
    }

    @Test
    void filtersByStateAndTriggerTypeWithoutLeavingThePage() {
        String task = shellTask("mixed", "echo ok", "");
        String succeeded = runOnce(task, "");
        String failed = runOnce(task, "{\"parameters\":{\"command\":[\"sh\",\"-c\",\"exit 1\"]}}");
        awaitState(succeeded, "SUCCEEDED");
        awaitState(failed, "FAILED");
        try (Browser browser = Browser.open()) {
            signIn(browser);
            browser.get("/tasks/" + task + "/runs");
            assertThat(rowIds(browser)).containsExactly(failed, succeeded);
            markPage(browser);

            new Select(browser.find(By.id("filter-state"))).selectByValue("FAILED");
            live(browser).until(d -> rowIds(browser).equals(List.of(failed)));
            assertThat(browser.path()).contains("state=FAILED");
            browser.screenshot("runs-filtered-failed");

            new Select(browser.find(By.id("filter-trigger"))).selectByValue("RETRY");
            live(browser).until(d -> rowIds(browser).isEmpty());
            assertThat(text(browser, By.id("runs-table"))).contains("No runs match these filters.");

            new Select(browser.find(By.id("filter-trigger"))).selectByValue("MANUAL");
            new Select(browser.find(By.id("filter-state"))).selectByValue("SUCCEEDED");
            live(browser).until(d -> rowIds(browser).equals(List.of(succeeded)));
            assertPageNotReloaded(browser);

            browser.get("/runs?state=FAILED&triggerType=MANUAL");
            assertThat(rowIds(browser)).contains(failed).doesNotContain(succeeded);
            assertThat(new Select(browser.find(By.id("filter-state"))).getFirstSelectedOption().getText())
                    .isEqualTo("FAILED");
            browser.screenshot("runs-global-filtered");
        }
    }

    @Test
    void anOperatorCancelsAQueuedRunAndSeesItEndCancelled() {
        String task = shellTask("busy", "sleep 30", ",\"maxConcurrentRuns\":1");
        String running = runOnce(task, "");
        awaitState(running, "RUNNING");
        String queued = runOnce(task, "");
        String viewer = "viewer-" + suffix;
        created(api.post("/api/v1/users", "{\"username\":\"" + viewer + "\",\"password\":\"" + VIEWER_PASSWORD
                + "\",\"role\":\"viewer\"}"));
        try (Browser browser = Browser.open()) {
            browser.get("/runs/" + queued);
            browser.submitLogin(viewer, VIEWER_PASSWORD);
            assertThat(text(browser, By.id("run-state"))).isEqualTo("QUEUED");
            assertThat(browser.findAll(By.id("cancel-run"))).as("a viewer may not cancel").isEmpty();
        }
        try (Browser browser = Browser.open()) {
            signIn(browser);
            browser.get("/runs/" + queued);
            assertThat(text(browser, By.id("run-state"))).isEqualTo("QUEUED");
            awaitLive(browser);
            live(browser).until(ExpectedConditions.visibilityOfElementLocated(By.id("waiting-reason")));
            browser.screenshot("run-queued-waiting");

            click(browser, By.id("cancel-run"));
            assertThat(browser.waitFor(By.cssSelector("[data-testid=flash-message]")).getText())
                    .contains("Cancel requested");
            live(browser).until(ExpectedConditions.textToBe(By.id("run-state"), "CANCELLED"));
            assertThat(text(browser, By.id("run-history"))).contains("cancel requested by admin");
            assertThat(browser.findAll(By.id("cancel-run"))).isEmpty();
            browser.screenshot("run-cancelled");

            browser.get("/runs/" + running);
            click(browser, By.id("cancel-run"));
            live(browser).until(ExpectedConditions.textToBe(By.id("run-state"), "CANCELLED"));
        }
    }

    /**
     * Signs in from the runs page, which the login then returns to: the app's landing page (/tasks) belongs to
     * the task pages, which need not be there.
     */
    private static void signIn(Browser browser) {
        browser.get("/runs");
        browser.submitLogin("admin", UiTestApp.adminPassword());
        browser.waitFor(By.cssSelector("[data-testid=signed-in-user]"));
    }

    private String shellTask(String prefix, String script, String extraJson) {
        String platform = "ui-runs-" + suffix;
        if (api.get("/api/v1/platforms/" + platform).status() == 404) {
            created(api.post("/api/v1/platforms", "{\"name\":\"" + platform + "\",\"type\":\"shell\",\"config\":{}}"));
        }
        String task = prefix + "-" + suffix;
        created(api.post("/api/v1/jobs", "{\"name\":\"job-" + task + "\",\"platform\":\"" + platform
                + "\",\"jobType\":\"shell.command\"}"));
        created(api.post("/api/v1/tasks", "{\"name\":\"" + task + "\",\"job\":\"job-" + task
                + "\",\"parameters\":{\"command\":[\"sh\",\"-c\",\"" + script + "\"]}" + extraJson + "}"));
        return task;
    }

    private static void created(PolysyncClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }

    private String runOnce(String task, String body) {
        PolysyncClient.Response accepted = api.post("/api/v1/tasks/" + task + "/runs", body);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        return accepted.json().path("runId").asString();
    }

    private void awaitState(String runId, String state) {
        org.awaitility.Awaitility.await().atMost(RUN_TIMEOUT).pollInterval(Duration.ofMillis(200))
                .until(() -> api.get("/api/v1/runs/" + runId).json().path("state").asString(), state::equals);
    }

    /** Waits until the page's event stream is open, so what follows is seen live. */
    private static void awaitLive(Browser browser) {
        browser.waiting().until(ExpectedConditions.textToBe(By.id("run-feed-status"), "Live"));
    }

    private static WebDriverWait live(Browser browser) {
        WebDriverWait wait = new WebDriverWait(browser.driver(), RUN_TIMEOUT);
        wait.pollingEvery(Duration.ofMillis(100));
        return wait;
    }

    /**
     * The text of {@code by}, read again should the live page swap the element meanwhile (a change arrived, or the
     * stream reopened).
     */
    private static String text(Browser browser, By by) {
        return live(browser).ignoring(StaleElementReferenceException.class)
                .until(d -> d.findElement(by).getText());
    }

    /** Clicks {@code by}, found again should the live page swap it meanwhile. */
    private static void click(Browser browser, By by) {
        live(browser).ignoring(StaleElementReferenceException.class).until(d -> {
            d.findElement(by).click();
            return true;
        });
    }

    private static void markPage(Browser browser) {
        browser.script(MARKER + " = 'not reloaded';");
    }

    private static void assertPageNotReloaded(Browser browser) {
        assertThat(browser.script("return " + MARKER + ";")).isEqualTo("not reloaded");
    }

    private static String stateInRow(Browser browser, String runId) {
        Object state = browser.script("const cell = document.querySelector(\"tr[data-run-id='" + runId
                + "'] [data-field=state]\"); return cell ? cell.textContent.trim() : '';");
        return String.valueOf(state);
    }

    /** Read in one script, so a table swapped meanwhile never leaves a stale element in hand. */
    @SuppressWarnings("unchecked")
    private static List<String> rowIds(Browser browser) {
        return (List<String>) browser.script("return Array.from(document.querySelectorAll("
                + "'#runs-table tr[data-run-id]')).map(row => row.dataset.runId);");
    }
}
