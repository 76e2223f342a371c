package io.polysync.task.ui.run;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runs pages over HTTP as a signed-in browser sees them, against PostgreSQL holding 10,000 runs: each page
 * answers within 500 ms, roles decide who may cancel, and no secret value reaches a page.
 */
class RunPagesIT extends IntegrationTest {

    private static final int RUNS = 10_000;
    private static final Duration BUDGET = Duration.ofMillis(500);
    private static final String PASSWORD = "run-pages-password";
    private static final String[] STATES = {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"};
    private static final String[] TRIGGERS = {"SCHEDULE", "DEPENDENCY", "MANUAL", "RETRY", "EXTERNAL"};

    private static String task;
    private static UUID queuedRun;
    private static UUID failedRun;
    private static String viewer;
    private static String operator;

    @BeforeEach
    void tenThousandRuns() {
        if (task != null) {
            return;
        }
        task = unique("busy");
        UUID taskId = createNoopTask(task, List.of());
        Instant now = Instant.now();
        List<Object[]> runs = new ArrayList<>();
        List<Object[]> history = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            UUID runId = UUID.randomUUID();
            boolean ours = i % 97 == 0;
            String state = STATES[i % STATES.length];
            Timestamp queued = Timestamp.from(now.minusSeconds(RUNS - i));
            runs.add(new Object[]{runId, ours ? taskId : new UUID(0, i % 99), ours ? task : "task-" + (i % 99),
                    state, TRIGGERS[(i / 5) % TRIGGERS.length], queued,
                    state.equals("FAILED") ? "EXECUTION_FAILED" : null,
                    state.equals("FAILED") ? "exit code 1" : null});
            history.add(new Object[]{runId, "QUEUED", queued});
            if (!state.equals("QUEUED")) {
                history.add(new Object[]{runId, state, queued});
            }
            if (ours && state.equals("QUEUED")) {
                queuedRun = runId;
            }
            if (ours && state.equals("FAILED")) {
                failedRun = runId;
            }
        }
        jdbc.batchUpdate("INSERT INTO task_run (run_id, task_id, task_name, state, trigger_type, attempt, queued_at,"
                + " outputs, error_reason, error_message, error_retryable, definition_version, updated_at,"
                + " row_version) VALUES (?, ?, ?, ?, ?, 1, ?, '{}', ?, ?, true, 1, ?, 0)",
                runs.stream().map(r -> new Object[]{r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[5]}).toList());
        jdbc.batchUpdate("INSERT INTO task_run_history (run_id, kind, state, occurred_at) VALUES (?, 'TRANSITION', ?, ?)",
                history);
        jdbc.execute("ANALYZE task_run");
        viewer = user("viewer");
        operator = user("operator");
        assertThat(queuedRun).isNotNull();
        assertThat(failedRun).isNotNull();
    }

    @Test
    void everyRunsPageAnswersWithinHalfASecondWithTenThousandRuns() {
        Session session = signIn(viewer);
        Map<String, String> pages = new LinkedHashMap<>();
        long all = count("");
        long external = count("WHERE trigger_type = 'EXTERNAL'");
        assertThat(all).isGreaterThanOrEqualTo(RUNS);
        pages.put("/runs", runs(all));
        pages.put("/runs?page=" + (pages(all) - 1), "Page " + pages(all) + " of " + pages(all));
        pages.put("/runs?state=FAILED", runs(count("WHERE state = 'FAILED'")));
        pages.put("/runs?state=SUCCEEDED&triggerType=RETRY",
                runs(count("WHERE state = 'SUCCEEDED' AND trigger_type = 'RETRY'")));
        pages.put("/runs?triggerType=EXTERNAL&page=" + (pages(external) - 1),
                "Page " + pages(external) + " of " + pages(external));
        pages.put("/tasks/" + task + "/runs", runs(count("WHERE task_name = '" + task + "'")));
        pages.put("/tasks/" + task + "/runs?state=FAILED",
                runs(count("WHERE task_name = '" + task + "' AND state = 'FAILED'")));
        pages.put("/runs/" + failedRun, "exit code 1");
        pages.forEach((path, expected) -> session.get(path));

        pages.forEach((path, expected) -> {
            long started = System.nanoTime();
            HttpResponse<String> page = session.get(path);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.body()).as(path).contains(expected);
            assertThat(took).as(path).isLessThan(BUDGET);
        });
    }

    @Test
    void onlyOperatorsSeeAndUseCancel() {
        Session asViewer = signIn(viewer);
        assertThat(asViewer.get("/runs/" + queuedRun).body()).doesNotContain("id=\"cancel-run\"");
        assertThat(asViewer.post("/runs/" + queuedRun + "/cancel").statusCode()).isEqualTo(403);

        Session asOperator = signIn(operator);
        HttpResponse<String> page = asOperator.get("/runs/" + queuedRun);
        assertThat(page.body()).contains("id=\"cancel-run\"");
        HttpResponse<String> cancelled = asOperator.post("/runs/" + queuedRun + "/cancel");
        assertThat(cancelled.statusCode()).isEqualTo(302);
        assertThat(cancelled.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/runs/" + queuedRun));
        assertThat(asOperator.get("/runs/" + queuedRun).body()).contains("Cancel requested")
                .contains("cancel requested by " + operator);

        assertThat(asOperator.post("/runs/" + failedRun + "/cancel").statusCode()).isEqualTo(302);
        assertThat(asOperator.get("/runs/" + failedRun).body()).contains("already FAILED");
    }

    @Test
    void unknownRunsAndTasksAreNotFoundPages() {
        Session session = signIn(viewer);
        assertThat(session.get("/runs/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(session.get("/runs/not-a-run").statusCode()).isEqualTo(404);
        assertThat(session.get("/tasks/" + unique("nothing") + "/runs").statusCode()).isEqualTo(404);
        HttpResponse<String> badFilter = session.get("/runs?state=SLEEPING");
        assertThat(badFilter.statusCode()).isEqualTo(200);
        assertThat(badFilter.body()).contains("is-invalid").contains("must be one of");
    }

    @Test
    void theRunPageShowsVaultReferencesAndMasksSecretLookingLiterals() {
        String vault = unique("vault");
        created(api.post("/api/v1/vaults", json(Map.of("name", vault, "kind", "builtin", "config", Map.of()))));
        assertThat(api.send("PUT", "/api/v1/vaults/" + vault + "/secrets/api-key",
                json(Map.of("value", "s3cr3t-value-never-shown"))).status()).isBetween(200, 204);
        String secretTask = unique("secretive");
        String platform = unique("shell");
        String job = unique("noop");
        created(api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "shell"))));
        created(api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform, "jobType", "noop"))));
        created(api.post("/api/v1/tasks", json(Map.of("name", secretTask, "job", job,
                "parameters", Map.of("failMessage", "vault://" + vault + "/api-key", "sleepMillis", 1,
                        "outputs", Map.of("password", "literal-password-not-shown", "region", "eu-1"))))));
        String runId = api.post("/api/v1/tasks/" + secretTask + "/runs", "{}").body().path("runId").asString();

        String page = signIn(viewer).get("/runs/" + runId).body();

        assertThat(page).contains("vault://" + vault + "/api-key").contains(RunParameters.MASK).contains("eu-1")
                .doesNotContain("s3cr3t-value-never-shown").doesNotContain("literal-password-not-shown")
                .contains("of definition v1").contains("are not kept for display");
    }

    @Test
    void theRunPageShowsTheRunsOwnParametersWithItsOverridesOnceTheDispatcherAnnouncedThem() {
        String vault = unique("vault");
        created(api.post("/api/v1/vaults", json(Map.of("name", vault, "kind", "builtin", "config", Map.of()))));
        String secretTask = unique("overridden");
        String platform = unique("shell");
        String job = unique("noop");
        created(api.post("/api/v1/platforms", json(Map.of("name", platform, "type", "shell"))));
        created(api.post("/api/v1/jobs", json(Map.of("name", job, "platform", platform, "jobType", "noop"))));
        Api.Response task = api.post("/api/v1/tasks", json(Map.of("name", secretTask, "job", job,
                "parameters", Map.of("failMessage", "vault://" + vault + "/api-key", "sleepMillis", 1))));
        created(task);
        UUID taskId = UUID.fromString(task.body().path("id").asString());
        Map<String, Object> overrides = Map.of("sleepMillis", 4242,
                "outputs", Map.of("password", "override-password-not-shown", "region", "override-eu-2"));
        UUID runId = UUID.fromString(api.post("/api/v1/tasks/" + secretTask + "/runs",
                json(Map.of("parameters", overrides))).body().path("runId").asString());
        Map<String, Object> effective = Map.of("failMessage", "vault://" + vault + "/api-key", "sleepMillis", 4242,
                "outputs", overrides.get("outputs"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);

        kafka.send(Topics.RUN_EVENTS, taskId.toString(), Json.encode(new RunStateChanged(runId, taskId, secretTask,
                TriggerType.MANUAL, 1, null, null, RunState.QUEUED, "queued by MANUAL trigger from api", null, null,
                null, 1, "api", null, now, null, null, now, effective))).join();

        Session session = signIn(viewer);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> session.get("/runs/" + runId).body().contains("override-eu-2"));
        assertThat(session.get("/runs/" + runId).body()).contains("effective values").contains("4242")
                .contains("vault://" + vault + "/api-key").contains(RunParameters.MASK)
                .doesNotContain("override-password-not-shown").doesNotContain("are not kept for display");
    }

    private long count(String where) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM task_run " + where, Long.class);
    }

    /** The caption of a list of {@code count} runs. */
    private static String runs(long count) {
        return String.format(Locale.ROOT, "%,d runs, newest first", count);
    }

    /** Pages of the default size (20). */
    private static long pages(long count) {
        return (count + 19) / 20;
    }

    private static void created(Api.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(201);
    }

    private String user(String role) {
        String name = unique(role);
        assertThat(api.post("/api/v1/users", json(Map.of("username", name, "password", PASSWORD, "role", role)))
                .status()).isEqualTo(201);
        return name;
    }

    private Session signIn(String username) {
        Session session = new Session("http://localhost:" + port());
        String login = session.get("/login").body();
        HttpResponse<String> signedIn = session.form("/login", Map.of("username", username, "password", PASSWORD,
                "_csrf", Session.csrf(login)));
        assertThat(signedIn.statusCode()).isEqualTo(302);
        assertThat(signedIn.headers().firstValue("Location").orElse("")).doesNotContain("error");
        return session;
    }

    /** A browser's session: its cookie, and the CSRF token its pages carry. */
    private static final class Session {

        private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" content=\"([^\"]+)\"|name=\"_csrf\" value=\"([^\"]+)\"");
        private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private final String base;
        private String lastPage = "";

        Session(String base) {
            this.base = base;
        }

        HttpResponse<String> get(String path) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(base + path)).GET());
            lastPage = response.body();
            return response;
        }

        /** A POST with the CSRF token of the page last read, as a form on it would send. */
        HttpResponse<String> post(String path) {
            return form(path, Map.of("_csrf", csrf(lastPage)));
        }

        HttpResponse<String> form(String path, Map<String, String> fields) {
            String body = String.join("&", fields.entrySet().stream().map(e -> e.getKey() + "="
                    + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).toList());
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(body)));
        }

        static String csrf(String page) {
            Matcher m = CSRF.matcher(page);
            assertThat(m.find()).as("a CSRF token on the page").isTrue();
            return m.group(1) != null ? m.group(1) : m.group(2);
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            try {
                return http.send(request.header("Accept", "text/html").timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
