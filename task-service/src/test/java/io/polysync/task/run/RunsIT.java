package io.polysync.task.run;

import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.RunEvent;
import io.polysync.model.event.RunStateChanged;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.runtime.outbox.OutboxRelay;
import io.polysync.runtime.testing.TopicProbe;
import io.polysync.task.support.Api;
import io.polysync.task.support.IntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RunsIT extends IntegrationTest {

    @Autowired
    private OutboxRelay relay;

    @Test
    void runOnceAnswersAQueuedRunReadableAtOnceAndPublishesItsTrigger() {
        String task = unique("once");
        UUID taskId = createNoopTask(task, List.of());

        Api.Response accepted = api.post("/api/v1/tasks/" + task + "/runs",
                json(Map.of("parameters", Map.of("sleepMillis", 5))));

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        assertThat(accepted.body().path("state").asString()).isEqualTo("QUEUED");
        String runId = accepted.body().path("runId").asString();
        assertThat(accepted.location()).isEqualTo("/api/v1/runs/" + runId);

        Api.Response run = api.get("/api/v1/runs/" + runId);
        assertThat(run.status()).isEqualTo(200);
        assertThat(run.body().path("state").asString()).isEqualTo("QUEUED");
        assertThat(run.body().path("task").asString()).isEqualTo(task);
        assertThat(run.body().path("triggerType").asString()).isEqualTo("MANUAL");
        assertThat(run.body().path("attempt").asInt()).isEqualTo(1);
        assertThat(run.body().path("requestedBy").asString()).isEqualTo("api");
        assertThat(run.body().path("definitionVersion").asLong()).isEqualTo(1);
        assertThat(run.body().path("queuedAt").asString()).isNotBlank();
        assertThat(run.body().path("startedAt").isNull()).isTrue();
        assertThat(run.body().path("error").isNull()).isTrue();
        assertThat(history(runId)).containsExactly("TRANSITION QUEUED");

        TriggerRequested trigger = Json.decode(TopicProbe.await(Topics.TRIGGERS, r -> taskId.toString()
                .equals(r.key()) && r.value().contains(runId)).value(), TriggerRequested.class);
        assertThat(trigger.runId()).hasToString(runId);
        assertThat(trigger.runId()).isEqualTo(Ids.runId(trigger.triggerId()));
        assertThat(trigger.taskId()).isEqualTo(taskId);
        assertThat(trigger.triggerType()).isEqualTo(TriggerType.MANUAL);
        assertThat(trigger.attempt()).isEqualTo(1);
        assertThat(trigger.definitionVersion()).isEqualTo(1);
        assertThat(trigger.overrides()).containsEntry("sleepMillis", 5);
        assertThat(trigger.mappedInputs()).isEmpty();
        assertThat(trigger.requestedBy()).isEqualTo("api");
    }

    @Test
    void aRunOnceRunShowsTheEffectiveParametersItsCreatingEventCarriesVaultReferencesUnresolved() {
        String task = unique("params");
        UUID taskId = createNoopTask(task, List.of());
        UUID runId = UUID.fromString(api.post("/api/v1/tasks/" + task + "/runs",
                json(Map.of("parameters", Map.of("sleepMillis", 7)))).body().path("runId").asString());
        assertThat(api.get("/api/v1/runs/" + runId).body().path("parameters").isNull()).isTrue();
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Map<String, Object> effective = Map.of("sleepMillis", 7, "failMessage", "vault://main/message");

        publish(taskId,
                new RunStateChanged(runId, taskId, task, TriggerType.MANUAL, 1, null, null, RunState.QUEUED,
                        "queued by MANUAL trigger from api", null, null, null, 1, "api", null, t0, null, null, t0,
                        effective),
                changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, t0, t0, null, null, null, t0));

        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/runs/" + runId).body().path("state").asString().equals("RUNNING"));
        JsonNode parameters = api.get("/api/v1/runs/" + runId).body().path("parameters");
        assertThat(parameters.path("sleepMillis").asInt()).isEqualTo(7);
        assertThat(parameters.path("failMessage").asString()).isEqualTo("vault://main/message");
        assertThat(parameters.size()).isEqualTo(2);
        assertThat(history(runId.toString())).containsExactly("TRANSITION QUEUED", "TRANSITION RUNNING");
    }

    @Test
    @SuppressWarnings("unchecked")
    void runOnceJudgesTheTaskAndJobAsTheyAreNowNotAsTheyWereAtTheFirstTrigger() {
        String task = unique("changing");
        UUID firstId = createNoopTask(task, List.of());
        String job = api.get("/api/v1/tasks/" + task).body().path("job").asString();
        assertThat(api.postEmpty("/api/v1/tasks/" + task + "/runs").status()).isEqualTo(202);

        assertThat(api.send("PUT", "/api/v1/tasks/" + task, json(Map.of("job", job, "priority", 7))).status())
                .isEqualTo(200);
        String second = api.postEmpty("/api/v1/tasks/" + task + "/runs").body().path("runId").asString();
        assertThat(api.get("/api/v1/runs/" + second).body().path("definitionVersion").asLong()).isEqualTo(2);

        String longMessage = json(Map.of("parameters", Map.of("failMessage", "longer than three")));
        assertThat(api.post("/api/v1/tasks/" + task + "/runs", longMessage).status()).isEqualTo(202);
        String keyed = json(Map.of("idempotencyKey", "before-narrowing",
                "parameters", Map.of("failMessage", "longer than three")));
        Api.Response keyedFirst = api.post("/api/v1/tasks/" + task + "/runs", keyed);
        assertThat(keyedFirst.status()).isEqualTo(202);
        JsonNode jobView = api.get("/api/v1/jobs/" + job).body();
        Map<String, Object> schema = Json.decode(jobView.path("parameterSchema").toString(), Map.class);
        Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) schema.get("properties"));
        Map<String, Object> failMessage = new LinkedHashMap<>((Map<String, Object>) properties.get("failMessage"));
        failMessage.put("maxLength", 3);
        properties.put("failMessage", failMessage);
        Map<String, Object> narrower = new LinkedHashMap<>(schema);
        narrower.put("properties", properties);
        Api.Response narrowed = api.send("PUT", "/api/v1/jobs/" + job, json(Map.of("name", job,
                "platform", jobView.path("platform").asString(), "jobType", "noop", "parameterSchema", narrower)));
        assertThat(narrowed.status()).as(narrowed.text()).isEqualTo(200);
        Api.Response rejected = api.post("/api/v1/tasks/" + task + "/runs", longMessage);
        assertThat(rejected.status()).as(rejected.text()).isEqualTo(400);
        assertThat(rejected.errorFields()).containsExactly("parameters.failMessage");
        // a key used before answers its run, whatever the schema says of the parameters now
        Api.Response keyedAgain = api.post("/api/v1/tasks/" + task + "/runs", keyed);
        assertThat(keyedAgain.status()).as(keyedAgain.text()).isEqualTo(202);
        assertThat(keyedAgain.body().path("runId")).isEqualTo(keyedFirst.body().path("runId"));

        assertThat(api.send("DELETE", "/api/v1/tasks/" + task, null).status()).isEqualTo(204);
        assertThat(api.postEmpty("/api/v1/tasks/" + task + "/runs").status()).isEqualTo(404);
        Api.Response recreated = api.post("/api/v1/tasks", json(Map.of("name", task, "job", job)));
        assertThat(recreated.status()).as(recreated.text()).isEqualTo(201);
        UUID secondId = UUID.fromString(recreated.body().path("id").asString());
        String third = api.postEmpty("/api/v1/tasks/" + task + "/runs").body().path("runId").asString();
        TriggerRequested trigger = Json.decode(TopicProbe.await(Topics.TRIGGERS, r -> r.value().contains(third))
                .value(), TriggerRequested.class);
        assertThat(trigger.taskId()).isEqualTo(secondId).isNotEqualTo(firstId);
        assertThat(trigger.definitionVersion()).isEqualTo(1);
    }

    @Test
    void runOnceNeedsNoBody() {
        String task = unique("nobody");
        createNoopTask(task, List.of());

        Api.Response first = api.postEmpty("/api/v1/tasks/" + task + "/runs");
        Api.Response second = api.postEmpty("/api/v1/tasks/" + task + "/runs");

        assertThat(first.status()).as(first.text()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(first.body().path("runId")).isNotEqualTo(second.body().path("runId"));
    }

    @Test
    void theSameIdempotencyKeyTwiceMakesOneRunAndOneTrigger() {
        String task = unique("idem");
        UUID taskId = createNoopTask(task, List.of());
        String body = json(Map.of("idempotencyKey", "deploy-42"));

        Api.Response first = api.post("/api/v1/tasks/" + task + "/runs", body);
        Api.Response second = api.post("/api/v1/tasks/" + task + "/runs", body);

        assertThat(second.status()).isEqualTo(202);
        String runId = first.body().path("runId").asString();
        assertThat(second.body().path("runId").asString()).isEqualTo(runId);
        assertThat(runId).isEqualTo(Ids.runId(Ids.triggerId(taskId, TriggerType.MANUAL, "deploy-42")).toString());
        assertThat(api.get("/api/v1/tasks/" + task + "/runs").body().path("totalElements").asLong()).isEqualTo(1);
        assertThat(history(runId)).hasSize(1);

        TopicProbe.await(Topics.TRIGGERS, r -> r.value().contains(runId));
        while (relay.publishBatch() > 0) {
            // drain whatever is still in the outbox, so the count below is final
        }
        assertThat(TopicProbe.readAll(Topics.TRIGGERS)).filteredOn(r -> r.value().contains(runId)).hasSize(1);
    }

    @Test
    void runOnceWithParametersTheJobsSchemaRejectsAnswers400NamingEachAndWritesNothing() {
        String task = unique("badparams");
        createNoopTask(task, List.of());
        Map<String, Integer> before = rowCounts();

        Api.Response rejected = api.post("/api/v1/tasks/" + task + "/runs", json(Map.of("idempotencyKey", "bad",
                "parameters", Map.of("sleepMillis", "slow", "fail", "yes", "failMessage", "fine"))));

        assertThat(rejected.status()).as(rejected.text()).isEqualTo(400);
        assertThat(rejected.contentType()).startsWith("application/problem+json");
        assertThat(rejected.errorFields()).containsExactlyInAnyOrder("parameters.sleepMillis", "parameters.fail");
        assertThat(rejected.body().path("detail").asString()).contains("parameters.sleepMillis");
        assertThat(rowCounts()).isEqualTo(before);
        assertThat(api.post("/api/v1/tasks/" + task + "/runs", json(Map.of("idempotencyKey", "bad",
                "parameters", Map.of("sleepMillis", 1)))).status()).isEqualTo(202);
    }

    @Test
    void runOnceOfAChildCarriesTheOutputsOfEachParentsLatestSuccessfulRunAsMappedInputs() {
        String parent = unique("parent");
        UUID parentId = createNoopTask(parent, List.of("day", "count", "missing"));
        String never = unique("never");
        createNoopTask(never, List.of("region"));
        String job = api.get("/api/v1/tasks/" + parent).body().path("job").asString();
        String child = unique("child");
        Api.Response created = api.post("/api/v1/tasks", json(Map.of("name", child, "job", job,
                "dependencies", List.of(
                        Map.of("task", parent, "mappings", List.of(Map.of("output", "day", "input", "failMessage"),
                                Map.of("output", "missing", "input", "fail"))),
                        Map.of("task", never, "mappings", List.of(Map.of("output", "region", "input", "retryable")))))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        UUID childId = UUID.fromString(created.body().path("id").asString());
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID older = UUID.randomUUID();
        UUID newer = UUID.randomUUID();
        UUID failed = UUID.randomUUID();
        publish(parentId,
                finished(newer, parentId, parent, RunState.SUCCEEDED, Map.of("day", "tue", "count", 2), t0),
                finished(older, parentId, parent, RunState.SUCCEEDED, Map.of("day", "mon", "count", 1),
                        t0.minusSeconds(60)),
                finished(failed, parentId, parent, RunState.FAILED, Map.of("day", "wed"), t0.plusSeconds(60)));
        awaitProcessed(parentId, parent);

        Api.Response accepted = api.post("/api/v1/tasks/" + child + "/runs",
                json(Map.of("parameters", Map.of("sleepMillis", 1))));

        assertThat(accepted.status()).as(accepted.text()).isEqualTo(202);
        String runId = accepted.body().path("runId").asString();
        TriggerRequested trigger = Json.decode(TopicProbe.await(Topics.TRIGGERS, r -> childId.toString()
                .equals(r.key()) && r.value().contains(runId)).value(), TriggerRequested.class);
        assertThat(trigger.mappedInputs()).isEqualTo(Map.of("failMessage", "tue"));
        assertThat(trigger.overrides()).isEqualTo(Map.of("sleepMillis", 1));
    }

    @Test
    void mappedParentOutputsAreValidatedLikeEveryOtherParameter() {
        String parent = unique("bad-parent");
        UUID parentId = createNoopTask(parent, List.of("duration"));
        String job = api.get("/api/v1/tasks/" + parent).body().path("job").asString();
        String child = unique("bad-child");
        assertThat(api.post("/api/v1/tasks", json(Map.of("name", child, "job", job, "dependencies", List.of(
                Map.of("task", parent, "mappings", List.of(Map.of("output", "duration", "input", "sleepMillis")))))))
                .status()).isEqualTo(201);
        publish(parentId, finished(UUID.randomUUID(), parentId, parent, RunState.SUCCEEDED,
                Map.of("duration", "long"), Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        awaitProcessed(parentId, parent);

        Api.Response rejected = api.postEmpty("/api/v1/tasks/" + child + "/runs");
        Api.Response overridden = api.post("/api/v1/tasks/" + child + "/runs",
                json(Map.of("parameters", Map.of("sleepMillis", 3))));

        assertThat(rejected.status()).as(rejected.text()).isEqualTo(400);
        assertThat(rejected.errorFields()).containsExactly("parameters.sleepMillis");
        assertThat(overridden.status()).as(overridden.text()).isEqualTo(202);
    }

    @Test
    void runEventsDriveTheReadModelToSucceededOnceEvenWhenDuplicated() {
        String task = unique("events");
        UUID taskId = createNoopTask(task, List.of());
        UUID runId = runOnce(task);
        Instant queued = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant started = queued.plusSeconds(1);
        Instant finished = queued.plusSeconds(3);

        RunStateChanged dispatcherQueued = changed(runId, taskId, task, null, RunState.QUEUED, queued, null, null,
                null, null, queued);
        RunStateChanged running = changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, queued, started,
                null, null, null, started);
        RunStateChanged succeeded = changed(runId, taskId, task, RunState.RUNNING, RunState.SUCCEEDED, queued,
                started, finished, Map.of("day", "mon", "count", 3), null, finished);
        publish(taskId, dispatcherQueued, running, succeeded, succeeded, running);
        awaitProcessed(taskId, task);

        JsonNode run = api.get("/api/v1/runs/" + runId).body();
        assertThat(run.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(run.path("outputs").path("day").asString()).isEqualTo("mon");
        assertThat(run.path("outputs").path("count").asInt()).isEqualTo(3);
        assertThat(Instant.parse(run.path("startedAt").asString())).isEqualTo(started);
        assertThat(Instant.parse(run.path("finishedAt").asString())).isEqualTo(finished);
        assertThat(history(runId.toString())).containsExactly("TRANSITION QUEUED", "TRANSITION RUNNING", "TRANSITION SUCCEEDED");
        JsonNode entries = api.get("/api/v1/runs/" + runId + "/history").body();
        assertThat(entries.get(1).path("reason").asString()).isEqualTo("RUNNING because");
        assertThat(Instant.parse(entries.get(2).path("at").asString())).isEqualTo(finished);
    }

    @Test
    void aTransitionThatArrivesAfterALaterOneIsRecordedWhereItHappened() {
        String task = unique("overtaken");
        UUID taskId = createNoopTask(task, List.of());
        UUID runId = runOnce(task);
        Instant queued = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant started = queued.plusSeconds(1);
        Instant finished = queued.plusSeconds(3);

        // the RUNNING event's outbox row was left to the relay's sweep, so SUCCEEDED overtook it
        publish(taskId,
                changed(runId, taskId, task, null, RunState.QUEUED, queued, null, null, null, null, queued),
                changed(runId, taskId, task, RunState.RUNNING, RunState.SUCCEEDED, queued, started, finished,
                        Map.of(), null, finished),
                changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, queued, started, null, null, null,
                        started));
        awaitProcessed(taskId, task);

        JsonNode run = api.get("/api/v1/runs/" + runId).body();
        assertThat(run.path("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(Instant.parse(run.path("finishedAt").asString())).isEqualTo(finished);
        assertThat(history(runId.toString()))
                .containsExactly("TRANSITION QUEUED", "TRANSITION RUNNING", "TRANSITION SUCCEEDED");
    }

    @Test
    void aFailedRunShowsItsErrorAndTheRetryTheSchedulerPlanned() {
        String task = unique("fails");
        UUID taskId = createNoopTask(task, List.of());
        UUID runId = runOnce(task);
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        UUID retryRunId = Ids.runId(Ids.triggerId(taskId, TriggerType.RETRY, runId.toString()));
        RunError error = RunError.retryable(FailureReason.EXECUTION_FAILED, "exit code 3");

        publish(taskId,
                changed(runId, taskId, task, RunState.QUEUED, RunState.RUNNING, t0, t0, null, null, null, t0),
                changed(runId, taskId, task, RunState.RUNNING, RunState.FAILED, t0, t0, t0.plusSeconds(1), null,
                        error, t0.plusSeconds(1)),
                new RetryScheduled(runId, taskId, 2, retryRunId, t0.plusSeconds(30), t0.plusSeconds(1)),
                new RunStateChanged(retryRunId, taskId, task, TriggerType.RETRY, 2, runId, null, RunState.QUEUED,
                        "retry 1 of 3", null, null, null, 1, "scheduler", null, t0.plusSeconds(30), null, null,
                        t0.plusSeconds(30)));

        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/runs/" + retryRunId).status() == 200);
        JsonNode failed = api.get("/api/v1/runs/" + runId).body();
        assertThat(failed.path("state").asString()).isEqualTo("FAILED");
        assertThat(failed.path("error").path("reason").asString()).isEqualTo("EXECUTION_FAILED");
        assertThat(failed.path("error").path("message").asString()).isEqualTo("exit code 3");
        assertThat(failed.path("error").path("retryable").asBoolean()).isTrue();
        assertThat(failed.path("retriedBy").asString()).isEqualTo(retryRunId.toString());
        assertThat(Instant.parse(failed.path("nextRetryAt").asString())).isEqualTo(t0.plusSeconds(30));
        JsonNode retry = api.get("/api/v1/runs/" + retryRunId).body();
        assertThat(retry.path("retryOf").asString()).isEqualTo(runId.toString());
        assertThat(retry.path("attempt").asInt()).isEqualTo(2);
        assertThat(retry.path("triggerType").asString()).isEqualTo("RETRY");
        assertThat(history(retryRunId.toString())).containsExactly("TRANSITION QUEUED");
    }

    @Test
    void anUndecodableRunEventGoesToTheDeadLetterTopicWithoutBlockingTheStream() {
        String task = unique("poison");
        UUID taskId = createNoopTask(task, List.of());
        String poison = "{\"type\":\"RunStateChanged\",\"runId\":\"not-a-uuid-" + task + "\"}";

        kafka.send(Topics.RUN_EVENTS, taskId.toString(), poison).join();
        awaitProcessed(taskId, task);

        TopicProbe.await(Topics.deadLetter(Topics.RUN_EVENTS), r -> poison.equals(r.value()));
    }

    @Test
    void listsRunsNewestFirstFilteredByStateAndTriggerTypeInPages() {
        String task = unique("listed");
        UUID taskId = createNoopTask(task, List.of());
        List<UUID> manual = new ArrayList<>();
        for (String key : List.of("a", "b", "c")) {
            manual.add(UUID.fromString(api.post("/api/v1/tasks/" + task + "/runs",
                    json(Map.of("idempotencyKey", key))).body().path("runId").asString()));
        }
        Instant now = Instant.now();
        UUID done = manual.get(2);
        publish(taskId,
                changed(done, taskId, task, RunState.QUEUED, RunState.RUNNING, null, now, null, null, null, now),
                changed(done, taskId, task, RunState.RUNNING, RunState.SUCCEEDED, null, now, now, Map.of(), null,
                        now));
        UUID scheduled = awaitProcessed(taskId, task);

        String base = "/api/v1/tasks/" + task + "/runs";
        Api.Response all = api.get(base);
        assertThat(all.body().path("totalElements").asLong()).isEqualTo(4);
        List<Instant> queuedAts = new ArrayList<>();
        all.body().path("content").forEach(r -> queuedAts.add(Instant.parse(r.path("queuedAt").asString())));
        assertThat(queuedAts).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        assertThat(runIds(api.get(base + "?state=SUCCEEDED"))).containsExactly(done.toString());
        assertThat(runIds(api.get(base + "?state=QUEUED"))).hasSize(3).doesNotContain(done.toString());
        assertThat(runIds(api.get(base + "?triggerType=SCHEDULE"))).containsExactly(scheduled.toString());
        assertThat(runIds(api.get(base + "?triggerType=MANUAL&state=QUEUED")))
                .containsExactlyInAnyOrder(manual.get(0).toString(), manual.get(1).toString());
        assertThat(api.get(base + "?state=queued,succeeded").body().path("totalElements").asLong()).isEqualTo(4);

        Api.Response page0 = api.get(base + "?size=3&page=0");
        Api.Response page1 = api.get(base + "?size=3&page=1");
        assertThat(page0.body().path("size").asInt()).isEqualTo(3);
        assertThat(page1.body().path("page").asInt()).isEqualTo(1);
        assertThat(runIds(page0)).hasSize(3).doesNotContainAnyElementsOf(runIds(page1));
        assertThat(runIds(page1)).hasSize(1);
        assertThat(runIds(api.get(base + "?size=3&page=2"))).isEmpty();

        Api.Response global = api.get("/api/v1/runs?triggerType=SCHEDULE&size=200");
        assertThat(runIds(global)).contains(scheduled.toString());
        global.body().path("content").forEach(r -> assertThat(r.path("triggerType").asString()).isEqualTo("SCHEDULE"));
        assertThat(api.get("/api/v1/runs").body().path("size").asInt()).isEqualTo(20);
    }

    @Test
    void rejectsBadListParametersNamingThem() {
        String task = unique("params");
        createNoopTask(task, List.of());
        Map<String, String> cases = Map.of(
                "/api/v1/runs?state=DONE", "state",
                "/api/v1/runs?triggerType=CRON", "triggerType",
                "/api/v1/tasks/" + task + "/runs?state=RUNNING,NOPE", "state",
                "/api/v1/runs?size=0", "size",
                "/api/v1/runs?size=201", "size",
                "/api/v1/runs?page=-1", "page",
                "/api/v1/runs?page=abc", "page",
                "/api/v1/runs/not-a-uuid", "runId");
        cases.forEach((path, field) -> {
            Api.Response response = api.get(path);
            assertThat(response.status()).as(path).isEqualTo(400);
            assertThat(response.contentType()).as(path).startsWith("application/problem+json");
            assertThat(response.errorFields()).as(path).containsExactly(field);
        });
    }

    @Test
    void unknownRunsAndTasksAnswer404Problems() {
        for (String path : List.of("/api/v1/runs/" + UUID.randomUUID(), "/api/v1/runs/" + UUID.randomUUID()
                + "/history", "/api/v1/tasks/" + unique("ghost") + "/runs")) {
            Api.Response response = api.get(path);
            assertThat(response.status()).as(path).isEqualTo(404);
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.body().path("status").asInt()).isEqualTo(404);
            assertThat(response.body().path("errors").isArray()).isTrue();
        }
    }

    /**
     * Publishes a SCHEDULE run of the task after everything sent before, on the same partition (same key), and
     * waits until the read model shows it: then every earlier event of the task has been applied. Answers its id.
     */
    private UUID awaitProcessed(UUID taskId, String task) {
        UUID marker = UUID.randomUUID();
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        publish(taskId, new RunStateChanged(marker, taskId, task, TriggerType.SCHEDULE, 1, null, null,
                RunState.QUEUED, "cron 0 2 * * *", null, null, null, 1, "scheduler", at.minusSeconds(1), at, null,
                null, at));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/v1/runs/" + marker).status() == 200);
        assertThat(Instant.parse(api.get("/api/v1/runs/" + marker).body().path("scheduledFor").asString()))
                .isEqualTo(at.minusSeconds(1));
        return marker;
    }

    private void publish(UUID taskId, RunEvent... events) {
        for (RunEvent event : events) {
            kafka.send(Topics.RUN_EVENTS, taskId.toString(), Json.encode(event)).join();
        }
    }

    private static RunStateChanged changed(UUID runId, UUID taskId, String task, RunState from, RunState to,
                                           Instant queuedAt, Instant startedAt, Instant finishedAt,
                                           Map<String, Object> outputs, RunError error, Instant at) {
        return new RunStateChanged(runId, taskId, task, TriggerType.MANUAL, 1, null, from, to, to + " because",
                error, outputs, "worker-1", 1, "api", null, queuedAt, startedAt, finishedAt, at);
    }

    /** A run of {@code task} first seen finished, as the dispatcher would announce it. */
    private static RunStateChanged finished(UUID runId, UUID taskId, String task, RunState state,
                                            Map<String, Object> outputs, Instant finishedAt) {
        RunError error = state == RunState.FAILED ? RunError.retryable(FailureReason.EXECUTION_FAILED, "no") : null;
        return new RunStateChanged(runId, taskId, task, TriggerType.SCHEDULE, 1, null, RunState.RUNNING, state,
                "done", error, outputs, "worker-1", 1, "scheduler", null, finishedAt.minusSeconds(2),
                finishedAt.minusSeconds(1), finishedAt, finishedAt);
    }

    /** Presses Run Once on the task and answers the accepted run's id. */
    private UUID runOnce(String task) {
        return UUID.fromString(api.postEmpty("/api/v1/tasks/" + task + "/runs").body().path("runId").asString());
    }

    private List<String> history(String runId) {
        Api.Response response = api.get("/api/v1/runs/" + runId + "/history");
        assertThat(response.status()).isEqualTo(200);
        List<String> entries = new ArrayList<>();
        response.body().forEach(e -> entries.add(e.path("kind").asString() + " " + e.path("state").asString()));
        return entries;
    }

    private static List<String> runIds(Api.Response page) {
        List<String> ids = new ArrayList<>();
        page.body().path("content").forEach(r -> ids.add(r.path("runId").asString()));
        return ids;
    }
}
