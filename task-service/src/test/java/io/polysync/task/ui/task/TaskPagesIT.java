package io.polysync.task.ui.task;

import io.polysync.task.definition.TaskRequest;
import io.polysync.task.definition.TaskService;
import io.polysync.task.security.Role;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.setup.SecurityMockMvcConfigurers.springSecurity;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/** The task pages through MockMvc: the list's cost with many runs, saving, refused saves and roles. */
class TaskPagesIT extends IntegrationTest {

    @Autowired
    private WebApplicationContext context;

    @Autowired
    private TaskService tasks;

    private MockMvc mvc;

    @BeforeEach
    void mockMvc() {
        mvc = MockMvcBuilders.webAppContextSetup(context).apply(springSecurity()).build();
    }

    @Test
    void theListOfAHundredTasksWithTenThousandRunsAnswersWithinHalfASecond() throws Exception {
        String prefix = unique("perf");
        UUID first = createNoopTask(prefix + "-000", List.of());
        String job = tasks.get(prefix + "-000").job();
        List<UUID> ids = new ArrayList<>(List.of(first));
        for (int i = 1; i < 100; i++) {
            ids.add(tasks.create(new TaskRequest(String.format("%s-%03d", prefix, i), job, null, null,
                    i % 2 == 0 ? List.of(new TaskRequest.Schedule("*/5 * * * *", "UTC")) : null, null, null, i,
                    null, null, null, null)).id());
        }
        Instant base = Instant.parse("2026-01-01T00:00:00Z");
        List<Object[]> runs = new ArrayList<>();
        for (int n = 0; n < 10_000; n++) {
            int task = n % 100;
            // each task's newest run is its 100th: SUCCEEDED for even tasks, FAILED for odd ones
            boolean newest = n / 100 == 99;
            String state = newest ? (task % 2 == 0 ? "SUCCEEDED" : "FAILED") : "CANCELLED";
            Timestamp queued = Timestamp.from(base.plusSeconds(n));
            runs.add(new Object[] {UUID.randomUUID(), ids.get(task), String.format("%s-%03d", prefix, task), state,
                    "MANUAL", 1, queued, "{}", 1L, queued, 0L});
        }
        jdbc.batchUpdate("INSERT INTO task_run (run_id, task_id, task_name, state, trigger_type, attempt, queued_at,"
                + " outputs, definition_version, updated_at, row_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                runs);

        page(prefix, 0);
        long started = System.nanoTime();
        String html = page(prefix, 4);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(took).isLessThan(Duration.ofMillis(500));
        assertThat(html).contains(prefix + "-080").contains(prefix + "-099").doesNotContain(prefix + "-079")
                .contains("Page 5 of 5 (100 tasks)").contains("run-state-succeeded").contains("run-state-failed")
                .doesNotContain("run-state-cancelled").doesNotContain("never run");
    }

    @Test
    void aRefusedSaveRendersTheErrorAtItsFieldAndKeepsWhatWasTyped() throws Exception {
        String task = unique("refused");
        createNoopTask(task, List.of());

        MvcResult result = mvc.perform(post("/tasks/" + task).with(user(Role.EDITOR)).with(csrf())
                        .param("name", task).param("tab", "runtime")
                        .param("param.mode.sleepMillis", "literal").param("param.value.sleepMillis", "-5")
                        .param("priority", "77").param("schedules[0].cron", "0 9 * * *")
                        .param("schedules[0].timeZone", "Europe/Berlin"))
                .andReturn();

        String html = result.getResponse().getContentAsString();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        assertThat(html).contains("id=\"param-sleepMillis\"").contains("value=\"-5\"").contains("value=\"77\"")
                .contains("parameters.sleepMillis").contains("Europe/Berlin").contains("is-invalid");
        assertThat(tasks.get(task).priority()).isEqualTo(50);
        assertThat(tasks.get(task).schedules()).isEmpty();
    }

    @Test
    void anEditorSavesAndIsToldToRunOnceBeforeTheScheduleFires() throws Exception {
        String task = unique("saved");
        createNoopTask(task, List.of());

        MvcResult result = mvc.perform(post("/tasks/" + task).with(user(Role.EDITOR)).with(csrf())
                        .param("tab", "scheduling").param("priority", "60")
                        .param("schedules[0].cron", "0 9 * * MON-FRI").param("schedules[0].timeZone", "UTC"))
                .andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(302);
        assertThat(result.getResponse().getRedirectedUrl()).isEqualTo("/tasks/" + task + "?tab=scheduling");
        assertThat(result.getFlashMap().get("runOnceAdvice")).isEqualTo(true);
        assertThat(tasks.get(task).priority()).isEqualTo(60);
        assertThat(tasks.get(task).schedules()).extracting(s -> s.cron()).containsExactly("0 9 * * MON-FRI");
    }

    @Test
    void aViewerReadsTheEditorButCannotSaveOrRun() throws Exception {
        String task = unique("readonly");
        createNoopTask(task, List.of());

        String html = mvc.perform(get("/tasks/" + task).with(user(Role.VIEWER))).andReturn().getResponse()
                .getContentAsString();
        assertThat(html).contains("<fieldset disabled").doesNotContain("id=\"save\"").doesNotContain("id=\"run-once\"");

        assertThat(mvc.perform(post("/tasks/" + task).with(user(Role.VIEWER)).with(csrf()).param("priority", "1"))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(mvc.perform(post("/tasks/" + task + "/run-once").with(user(Role.VIEWER)).with(csrf()))
                .andReturn().getResponse().getStatus()).isEqualTo(403);
        assertThat(tasks.get(task).priority()).isEqualTo(50);
    }

    @Test
    void runOnceRedirectsToTheNewRun() throws Exception {
        String task = unique("once");
        createNoopTask(task, List.of());

        MvcResult result = mvc.perform(post("/tasks/" + task + "/run-once").with(user(Role.OPERATOR)).with(csrf()))
                .andReturn();

        assertThat(result.getResponse().getStatus()).isEqualTo(302);
        String location = result.getResponse().getRedirectedUrl();
        assertThat(location).matches("/runs/[0-9a-f-]{36}");
        Map<String, Object> run = jdbc.queryForMap("SELECT task_name, trigger_type, requested_by FROM task_run "
                + "WHERE run_id = ?", UUID.fromString(location.substring("/runs/".length())));
        assertThat(run).containsEntry("task_name", task).containsEntry("trigger_type", "MANUAL")
                .containsEntry("requested_by", "someone");
    }

    @Test
    void thePreviewsAnswerWithTheServiceCode() throws Exception {
        String schedule = mvc.perform(post("/tasks/editor/schedule-preview").with(user(Role.EDITOR)).with(csrf())
                .param("schedules[0].cron", "61 * * * *").param("schedules[0].timeZone", "UTC"))
                .andReturn().getResponse().getContentAsString();
        assertThat(schedule).contains("Schedule 1 cron:");

        String retry = mvc.perform(post("/tasks/editor/retry-preview").with(user(Role.EDITOR)).with(csrf())
                .param("retry.enabled", "true").param("retry.maxRetryAttempts", "5")
                .param("retry.backoff", "LINEAR").param("retry.initialDelaySeconds", "10"))
                .andReturn().getResponse().getContentAsString();
        assertThat(retry).contains("id=\"retry-advice\"").contains("50 s");
    }

    private String page(String query, int page) throws Exception {
        MvcResult result = mvc.perform(get("/tasks").param("q", query).param("page", String.valueOf(page))
                .with(user(Role.VIEWER))).andReturn();
        assertThat(result.getResponse().getStatus()).isEqualTo(200);
        return result.getResponse().getContentAsString();
    }

    private static RequestPostProcessor user(Role role) {
        return SecurityMockMvcRequestPostProcessors.user("someone").authorities(role.grantedAuthorities());
    }
}
