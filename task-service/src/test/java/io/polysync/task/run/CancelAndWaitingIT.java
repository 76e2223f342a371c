package io.polysync.task.run;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.CancelRunRequested;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Cancel through the API (rule 7) and the waiting reasons the dispatcher announces. */
class CancelAndWaitingIT extends IntegrationTest {

    @Test
    void cancellingAQueuedRunAsksTheDispatcherNotesWhoAskedAndAnswers202() {
        String task = unique("cancel");
        UUID taskId = createNoopTask(task, List.of());
        String runId = runOnce(task);
        String operator = unique("ops-bot");
        Api operatorApi = api.withToken(token(operator, "operator"));

        Api.Response accepted = operatorApi.postEmpty("/api/v1/runs/" + runId + "/cancel");

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        assertThat(accepted.body().path("runId").asString()).isEqualTo(runId);
        assertThat(accepted.body().path("state").asString()).isEqualTo("QUEUED");
        assertThat(history(runId)).containsExactly("TRANSITION QUEUED", "NOTE cancel requested by "
                + operator);
        CancelRunRequested command = Json.decode(TopicProbe.await(Topics.RUN_COMMANDS,
                r -> r.value() != null && r.value().contains(runId)).value(), CancelRunRequested.class);
        assertThat(command.runId()).hasToString(runId);
        assertThat(command.taskId()).isEqualTo(taskId);
        assertThat(command.requestedBy()).isEqualTo(operator);
        assertThat(command.occurredAt()).isNotNull();
        assertThat(TopicProbe.readAll(Topics.RUN_COMMANDS)).filteredOn(r -> r.value().contains(runId))
                .extracting(r -> r.key()).containsExactly(taskId.toString());
        assertThat(api.get("/api/v1/runs/" + runId).body().path("state").asString()).isEqualTo("QUEUED");
    }

    @Test
    void cancellingAFinishedRunAnswers409NamingItsStateAndSendsNothing() {
        String task = unique("finished");
        UUID taskId = createNoopTask(task, List.of());
        String runId = runOnce(task);
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        publish(taskId, changed(UUID.fromString(runId), taskId, task, RunState.QUEUED, RunState.SUCCEEDED, at));
        await().atMost(Duration.ofSeconds(30)).until(() -> "SUCCEEDED".equals(
                api.get("/api/v1/runs/" + runId).body().path("state").asString()));

        Api.Response refused = api.postEmpty("/api/v1/runs/" + runId + "/cancel");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().path("detail").asString()).contains("SUCCEEDED");
        assertThat(history(runId)).noneMatch(e -> e.startsWith("NOTE"));
        assertThat(TopicProbe.readAll(Topics.RUN_COMMANDS)).noneMatch(r -> r.value().contains(runId));
    }

    @Test
    void cancellingAnUnknownRunAnswers404AndAViewerMayNotCancel() {
        String unknown = UUID.randomUUID().toString();
        Api.Response missing = api.postEmpty("/api/v1/runs/" + unknown + "/cancel");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/problem+json");
        assertThat(missing.errorFields()).containsExactly("runId");

        String task = unique("viewer");
        createNoopTask(task, List.of());
        String runId = runOnce(task);
        Api.Response forbidden = api.withToken(token(unique("viewer"), "viewer"))
                .postEmpty("/api/v1/runs/" + runId + "/cancel");
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.contentType()).startsWith("application/problem+json");
        assertThat(history(runId)).containsExactly("TRANSITION QUEUED");
    }

    @Test
    void waitingReasonsShowOnAQueuedRunOncePerChangeAndClearWhenItStarts() {
        String task = unique("waiting");
        UUID taskId = createNoopTask(task, List.of());
        UUID runId = UUID.fromString(runOnce(task));
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        RunWaiting full = new RunWaiting(runId, taskId, "max concurrent runs 1 reached", t);
        RunWaiting profile = new RunWaiting(runId, taskId, "profile warehouse-a: 5 of 5 in use", t.plusMillis(10));

        publish(taskId, full, full, profile);
        awaitProcessed(taskId, task);
        assertThat(api.get("/api/v1/runs/" + runId).body().path("waitingReason").asString())
                .isEqualTo("profile warehouse-a: 5 of 5 in use");
        List<String> expected = List.of("TRANSITION QUEUED", "WAITING max concurrent runs 1 reached",
                "WAITING profile warehouse-a: 5 of 5 in use");
        assertThat(history(runId.toString())).containsExactlyElementsOf(expected);

        publish(taskId, full, profile);
        awaitProcessed(taskId, task);
        assertThat(history(runId.toString())).as("a replay adds nothing").containsExactlyElementsOf(expected);
        assertThat(api.get("/api/v1/runs/" + runId).body().path("waitingReason").asString())
                .isEqualTo("profile warehouse-a: 5 of 5 in use");

        publish(taskId, new RunWaiting(runId, taskId, "max concurrent runs 1 reached", t.plusMillis(20)));
        awaitProcessed(taskId, task);
        assertThat(history(runId.toString())).hasSize(4).last()
                .isEqualTo("WAITING max concurrent runs 1 reached");

        publish(taskId, changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, t.plusMillis(30)),
                new RunWaiting(runId, taskId, "late", t.plusMillis(40)));
        awaitProcessed(taskId, task);
        Api.Response running = api.get("/api/v1/runs/" + runId);
        assertThat(running.body().path("state").asString()).isEqualTo("RUNNING");
        assertThat(running.body().has("waitingReason")).isTrue();
        assertThat(running.body().path("waitingReason").isNull()).isTrue();
        assertThat(history(runId.toString())).hasSize(5).last().isEqualTo("TRANSITION RUNNING");
    }

    private String runOnce(String task) {
        Api.Response accepted = api.postEmpty("/api/v1/tasks/" + task + "/runs");
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        return accepted.body().path("runId").asString();
    }

    private String token(String name, String role) {
        Api.Response created = api.post("/api/v1/tokens", json(Map.of("name", name, "role", role)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return created.body().path("token").asString();
    }

    /** Publishes a run of the task after everything sent before (same key) and waits until the model shows it. */
    private void awaitProcessed(UUID taskId, String task) {
        UUID marker = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        publish(taskId, new RunStateChanged(marker, taskId, task, TriggerType.SCHEDULE, 1, null, null,
                RunState.QUEUED, "cron", null, null, null, 1, "scheduler", at, at, null, null, at));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/runs/" + marker).status() == 200);
    }

    private void publish(UUID taskId, RunEvent... events) {
        for (RunEvent event : events) {
            kafka.send(Topics.RUN_EVENTS, taskId.toString(), Json.encode(event)).join();
        }
    }

    private static RunStateChanged changed(UUID runId, UUID taskId, String task, RunState from, RunState to,
                                           Instant at) {
        return new RunStateChanged(runId, taskId, task, TriggerType.MANUAL, 1, null, from, to, "by the test", null,
                Map.of(), "worker-1", 1, "api", null, at.minusSeconds(1), at, to.isTerminal() ? at : null, at);
    }

    /** Each entry as "TRANSITION STATE", or "KIND reason" for the others. */
    private List<String> history(String runId) {
        Api.Response response = api.get("/api/v1/runs/" + runId + "/history");
        assertThat(response.status()).isEqualTo(200);
        List<String> entries = new ArrayList<>();
        response.body().forEach(e -> entries.add(e.path("kind").asString() + " " + ("TRANSITION".equals(
                e.path("kind").asString()) ? e.path("state").asString() : e.path("reason").asString())));
        return entries;
    }
}
