package io.polysync.standalone.ui;

import io.polysync.standalone.PolysyncClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The task editor in a real browser, as a new user works it: a task created through the five tabs, a refused save
 * showing the error at its field with everything typed kept, the dependency diagram (layout toggle, node clicks),
 * the schedule and retry previews, and Run Once. Platforms and jobs come from the API, as the UI has no pages for them.
 */
class TaskEditorBrowserIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 6);
    private static final String PLATFORM = "ed-shell-" + SUFFIX;
    private static final String JOB = "ed-noop-" + SUFFIX;
    private static final String UPSTREAM = "ed-up-" + SUFFIX;
    private static final String MIDDLE = "ed-mid-" + SUFFIX;
    private static final String DOWNSTREAM = "ed-down-" + SUFFIX;
    private static final String PROFILE = "ed-warehouse-" + SUFFIX;

    private static PolysyncClient api;

    @BeforeAll
    static void definitions() {
        api = UiTestApp.api();
        created(api.post("/api/v1/platforms", "{\"name\":\"" + PLATFORM + "\",\"type\":\"shell\"}"));
        created(api.post("/api/v1/jobs", "{\"name\":\"" + JOB + "\",\"platform\":\"" + PLATFORM
                + "\",\"jobType\":\"noop\",\"outputs\":[\"greeting\"]}"));
        created(api.post("/api/v1/contention-profiles", "{\"name\":\"" + PROFILE + "\",\"maxConcurrent\":2}"));
        created(api.post("/api/v1/tasks", "{\"name\":\"" + UPSTREAM + "\",\"job\":\"" + JOB + "\"}"));
        created(api.post("/api/v1/tasks", "{\"name\":\"" + MIDDLE + "\",\"job\":\"" + JOB + "\",\"dependencies\":"
                + "[{\"task\":\"" + UPSTREAM + "\",\"mappings\":[{\"output\":\"greeting\","
                + "\"input\":\"failMessage\"}]}]}"));
        created(api.post("/api/v1/tasks", "{\"name\":\"" + DOWNSTREAM + "\",\"job\":\"" + JOB + "\",\"dependencies\":"
                + "[{\"task\":\"" + MIDDLE + "\"}]}"));
    }

    @Test
    void createsATaskThroughTheTabs() {
        String name = "ed-new-" + SUFFIX;
        try (Browser browser = signedIn()) {
            browser.get("/tasks");
            browser.waitFor(By.id("new-task")).click();
            browser.waitFor(By.id("name")).sendKeys(name);
            new Select(browser.find(By.id("platform"))).selectByValue(PLATFORM);
            new Select(browser.find(By.id("job-type"))).selectByValue("noop");
            new Select(browser.find(By.id("job"))).selectByValue(JOB);
            browser.screenshot("editor-new-general");

            tab(browser, "settings");
            browser.waitFor(By.id("param-sleepMillis")).sendKeys("5");
            new Select(browser.find(By.id("param-fail"))).selectByValue("false");
            browser.screenshot("editor-new-settings");

            tab(browser, "dependencies");
            browser.find(By.id("add-dependency")).click();
            new Select(browser.waitFor(By.id("dep-0"))).selectByValue(UPSTREAM);
            browser.find(By.xpath("//button[normalize-space()='+ Add mapping']")).click();
            new Select(browser.waitFor(By.id("map-0-0-out"))).selectByValue("greeting");
            new Select(browser.find(By.id("map-0-0-in"))).selectByValue("failMessage");
            awaitNode(browser, UPSTREAM);
            browser.screenshot("editor-new-dependencies");

            tab(browser, "settings");
            assertThat(browser.waitFor(By.cssSelector(".mapped-note[data-param=failMessage]")).getText())
                    .contains("greeting").contains(UPSTREAM);

            tab(browser, "scheduling");
            browser.find(By.id("add-schedule")).click();
            browser.type(By.id("cron-0"), "0 9 * * MON-FRI");
            browser.type(By.id("tz-0"), "Europe/Berlin");
            awaitCount(browser, "#schedule-preview .fire-times li", 5);
            browser.screenshot("editor-new-scheduling");

            tab(browser, "runtime");
            browser.type(By.id("priority"), "70");
            browser.type(By.id("max-concurrent"), "1");
            clickInView(browser, By.cssSelector("input[name=contentionProfiles][value='" + PROFILE + "']"));
            browser.screenshot("editor-new-runtime");

            browser.find(By.id("save")).click();
            browser.waitFor(By.cssSelector("[data-testid=flash-message]"));
            assertThat(browser.path()).startsWith("/tasks/" + name);
            assertThat(browser.find(By.id("run-once-advice")).getText()).contains("Run Once");
            browser.screenshot("editor-saved-with-run-once-advice");
            tab(browser, "general");
            assertThat(browser.waitFor(By.id("job-locked")).getText()).isEqualTo(JOB);
            assertThat(browser.find(By.id("job-lock-reason")).getText()).contains("locked");
            browser.screenshot("editor-general-job-locked");
        }
        JsonNode task = api.get("/api/v1/tasks/" + name).json();
        assertThat(task.path("job").asString()).isEqualTo(JOB);
        assertThat(task.path("priority").asInt()).isEqualTo(70);
        assertThat(task.path("maxConcurrentRuns").asInt()).isEqualTo(1);
        assertThat(task.path("contentionProfiles").get(0).asString()).isEqualTo(PROFILE);
        assertThat(task.path("parameters").path("sleepMillis").asInt()).isEqualTo(5);
        assertThat(task.path("parameters").path("fail").asBoolean(true)).isFalse();
        assertThat(task.path("schedules").get(0).path("cron").asString()).isEqualTo("0 9 * * MON-FRI");
        assertThat(task.path("schedules").get(0).path("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(task.path("dependencies").get(0).path("task").asString()).isEqualTo(UPSTREAM);
        assertThat(task.path("dependencies").get(0).path("mappings").get(0).path("input").asString())
                .isEqualTo("failMessage");
    }

    @Test
    void aRefusedSaveShowsTheErrorAtItsFieldAndKeepsWhatWasTyped() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/" + UPSTREAM + "?tab=runtime");
            browser.type(By.id("priority"), "77");
            tab(browser, "settings");
            browser.type(By.id("param-sleepMillis"), "-5");
            browser.find(By.id("save")).click();

            WebElement field = browser.waitFor(By.id("param-sleepMillis"));
            assertThat(field.getAttribute("class")).contains("is-invalid");
            assertThat(field.getAttribute("value")).isEqualTo("-5");
            assertThat(browser.find(By.cssSelector("[data-param=sleepMillis] .param-error")).getText())
                    .isNotBlank();
            assertThat(browser.find(By.id("error-summary")).getText()).contains("parameters.sleepMillis");
            browser.screenshot("editor-validation-error");
            tab(browser, "runtime");
            assertThat(browser.find(By.id("priority")).getAttribute("value")).isEqualTo("77");
            assertThat(leavingIsQuestioned(browser)).as("what was typed is still not saved").isTrue();
        }
        assertThat(api.get("/api/v1/tasks/" + UPSTREAM).json().path("priority").asInt()).isEqualTo(50);
    }

    @Test
    void theSplitStackedToggleIsRemembered() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/" + MIDDLE + "?tab=dependencies");
            awaitNode(browser, UPSTREAM);
            assertThat(layoutClass(browser)).contains("deps-split").doesNotContain("deps-stacked");
            assertThat(diagramBesideList(browser)).isTrue();
            browser.screenshot("editor-dependencies-split");

            browser.find(By.id("layout-stacked")).click();
            browser.waiting().until(d -> !diagramBesideList(browser));
            browser.get("/tasks/" + MIDDLE + "?tab=dependencies");
            awaitNode(browser, DOWNSTREAM);
            assertThat(layoutClass(browser)).contains("deps-stacked").doesNotContain("deps-split");
            assertThat(diagramBesideList(browser)).isFalse();
            assertThat(browser.find(By.id("layout-stacked")).getAttribute("aria-pressed")).isEqualTo("true");
            browser.screenshot("editor-dependencies-stacked");

            browser.find(By.id("layout-split")).click();
            browser.waiting().until(d -> diagramBesideList(browser));
        }
    }

    @Test
    void clickingADiagramNodeOpensThatTask() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/" + MIDDLE + "?tab=dependencies");
            awaitNode(browser, DOWNSTREAM);
            browser.screenshot("editor-diagram-before-click");
            clickNode(browser, DOWNSTREAM);
            browser.waiting().until(ExpectedConditions.urlContains("/tasks/" + DOWNSTREAM));
            awaitNode(browser, UPSTREAM);
            assertThat(browser.find(By.id("editor-title")).getText()).isEqualTo(DOWNSTREAM);

            clickNode(browser, UPSTREAM);
            browser.waiting().until(ExpectedConditions.urlContains("/tasks/" + UPSTREAM));
            browser.waitFor(By.id("dependency-diagram"));
            assertThat(browser.find(By.id("editor-title")).getText()).isEqualTo(UPSTREAM);
            browser.screenshot("editor-diagram-after-click");
        }
    }

    @Test
    void theSchedulePreviewFollowsTypingAndExplainsAnInvalidCron() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/new?tab=scheduling");
            browser.waitFor(By.id("add-schedule")).click();
            browser.type(By.id("cron-0"), "*/15 * * * *");
            awaitCount(browser, "#schedule-preview .fire-times li", 5);
            browser.screenshot("editor-schedule-preview");

            browser.type(By.id("cron-0"), "61 * * * *");
            WebElement problem = browser.waitFor(By.cssSelector("#schedule-preview .schedule-problems li"));
            assertThat(problem.getText()).startsWith("Schedule 1 cron:");
            assertThat(browser.findAll(By.cssSelector("#schedule-preview .fire-times li"))).isEmpty();
            browser.screenshot("editor-schedule-invalid-cron");
        }
    }

    @Test
    void theRetryPreviewShowsTheDelaysAndAdvisesAgainstManyRetries() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/" + UPSTREAM + "?tab=runtime");
            browser.waitFor(By.id("retry-enabled")).click();
            new Select(browser.find(By.id("retry-backoff"))).selectByValue("EXPONENTIAL");
            browser.type(By.id("retry-initial"), "10");
            browser.type(By.id("retry-attempts"), "3");
            awaitCount(browser, "#retry-preview .retry-table tbody tr", 3);
            assertThat(browser.findAll(By.id("retry-advice"))).isEmpty();
            assertThat(browser.find(By.cssSelector("#retry-preview .retry-table tbody tr:nth-child(3)")).getText())
                    .contains("40 s");

            browser.type(By.id("retry-attempts"), "6");
            browser.waitFor(By.id("retry-advice"));
            assertThat(browser.find(By.id("retry-advice")).getText()).contains("conservative");
            assertThat(browser.findAll(By.cssSelector("#retry-preview .retry-table tbody tr"))).hasSize(6);
            browser.screenshot("editor-retry-preview-advice");
        }
    }

    @Test
    void leavingWithUnsavedEditsAsksFirstAndDiscardDoesNot() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/new");
            browser.waitFor(By.id("name"));
            // headless Chromium leaves without showing the dialog, so ask the page what its beforeunload handler says
            assertThat(leavingIsQuestioned(browser)).isFalse();

            browser.type(By.id("name"), "unsaved-" + SUFFIX);
            assertThat(leavingIsQuestioned(browser)).isTrue();
            browser.screenshot("editor-unsaved-edit");

            browser.find(By.id("discard-changes")).click();
            browser.waiting().until(ExpectedConditions.urlMatches("/tasks$"));
            browser.waitFor(By.id("new-task"));
        }
    }

    private static boolean leavingIsQuestioned(Browser browser) {
        return (Boolean) browser.script("const e = new Event('beforeunload', { cancelable: true });"
                + " window.dispatchEvent(e); return e.defaultPrevented;");
    }

    @Test
    void runOnceFromTheEditorOpensTheNewRun() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks/" + DOWNSTREAM);
            browser.waitFor(By.id("run-once")).click();
            browser.waiting().until(ExpectedConditions.urlMatches("/runs/[0-9a-f-]{36}$"));
            String runId = browser.path().substring("/runs/".length());
            browser.waitFor(By.id("run-state"));
            browser.screenshot("editor-run-once-opened-run");
            JsonNode run = api.get("/api/v1/runs/" + runId).json();
            assertThat(run.path("task").asString()).isEqualTo(DOWNSTREAM);
            assertThat(run.path("triggerType").asString()).isEqualTo("MANUAL");
            assertThat(run.path("requestedBy").asString()).isEqualTo("admin");
        }
    }

    @Test
    void theListShowsTheTasksAndFindsThemByName() {
        try (Browser browser = signedIn()) {
            browser.get("/tasks");
            browser.type(By.id("task-search"), "ed-mid-" + SUFFIX);
            browser.waiting().until(d -> d.findElements(By.cssSelector("tr[data-task]")).size() == 1);
            assertThat(browser.find(By.cssSelector("tr[data-task]")).getText()).contains(MIDDLE).contains("50");
            assertThat(browser.path()).contains("q=ed-mid-" + SUFFIX);
            browser.screenshot("tasks-list-search");
            browser.resize(390, 844);
            browser.get("/tasks");
            browser.screenshot("tasks-list-narrow");
            browser.get("/tasks/" + MIDDLE + "?tab=dependencies");
            awaitNode(browser, UPSTREAM);
            browser.screenshot("editor-dependencies-narrow");
        }
    }

    private static Browser signedIn() {
        Browser browser = Browser.open();
        browser.signIn("admin", UiTestApp.adminPassword());
        return browser;
    }

    /** Clicks an element below the fold: scrolled there at once, as Bootstrap's smooth scrolling would move it. */
    private static void clickInView(Browser browser, By by) {
        WebElement element = browser.find(by);
        browser.script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element);
        element.click();
    }

    private static void awaitCount(Browser browser, String css, int count) {
        browser.waiting().until(d -> d.findElements(By.cssSelector(css)).size() == count);
    }

    private static void tab(Browser browser, String tab) {
        browser.find(By.id("tab-" + tab)).click();
        browser.waitFor(By.id("pane-" + tab));
    }

    private static String layoutClass(Browser browser) {
        return browser.find(By.id("dependency-layout")).getAttribute("class");
    }

    /** Whether the diagram stands to the right of the list (Split) rather than below it (Stacked). */
    private static boolean diagramBesideList(Browser browser) {
        return Boolean.TRUE.equals(browser.script("""
                const list = document.querySelector('.deps-list').getBoundingClientRect();
                const diagram = document.getElementById('dependency-diagram').getBoundingClientRect();
                return diagram.left >= list.right && diagram.top < list.bottom;"""));
    }

    /** Waits until the diagram is drawn with a node for {@code task}. */
    private static void awaitNode(Browser browser, String task) {
        browser.waiting().until(d -> Boolean.TRUE.equals(browser.script(
                "return !!window.polysyncDiagram && window.polysyncDiagram.getElementById(arguments[0]).length === 1",
                task)));
    }

    /**
     * Clicks the node's centre on the canvas: its rendered position plus the canvas's offset in the viewport. The
     * diagram is brought into view first, at once (Bootstrap makes scrolling smooth, which would move the canvas
     * under the pointer), and Cytoscape is told so ({@code resize()}), since it caches where its canvas is.
     */
    private static void clickNode(Browser browser, String task) {
        browser.script("document.getElementById('dependency-diagram')"
                + ".scrollIntoView({block: 'center', behavior: 'instant'}); window.polysyncDiagram.resize();");
        @SuppressWarnings("unchecked")
        Map<String, Object> at = (Map<String, Object>) browser.script("""
                const cy = window.polysyncDiagram;
                const p = cy.getElementById(arguments[0]).renderedPosition();
                const box = cy.container().getBoundingClientRect();
                return {x: Math.round(box.left + p.x), y: Math.round(box.top + p.y)};""", task);
        new Actions(browser.driver()).moveToLocation(((Number) at.get("x")).intValue(),
                ((Number) at.get("y")).intValue()).click().perform();
    }

    private static void created(PolysyncClient.Response response) {
        assertThat(response.status()).as(response.body()).isEqualTo(201);
    }
}
