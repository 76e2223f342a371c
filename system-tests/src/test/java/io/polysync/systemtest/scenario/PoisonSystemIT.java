package io.polysync.systemtest.scenario;

import io.polysync.model.ConsumerGroups;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.SystemScenario;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 9: poison records on every consumed topic, each keyed like the real records so it lands in the partition a
 * real run goes through next: text that is not JSON, a JSON object of no known shape, and for the polymorphic
 * streams an object that names a real event type but carries none of its fields. Each lands on {@code <topic>.dlq}
 * (once per consumer group that reads the topic) and the partition keeps flowing: the normal run through it right
 * afterwards succeeds well within the error handler's retry budget (60 s), so nothing waited for a retry of a record
 * that can never succeed.
 */
class PoisonSystemIT extends SystemScenario {

    /** Well below the 60 s a retryable failure is retried before it is dead-lettered. */
    private static final Duration FLOWS_WITHIN = Duration.ofSeconds(30);
    private static final String DLT_GROUP_HEADER = "kafka_dlt-original-consumer-group";

    private GroupOffsets kafka;

    @BeforeEach
    void connect() {
        kafka = new GroupOffsets(cluster.kafka().bootstrapServers());
    }

    @AfterEach
    void disconnect() {
        kafka.close();
    }

    @Test
    void poisonOnTriggersWorkerReportsAndRunEventsIsDeadLetteredAndTheTaskRunsAndHandsDown() {
        String parent = "s9-parent-" + suffix;
        String child = "s9-child-" + suffix;
        api.effectTask(parent, 0, Map.of());
        api.effectTask(child, 0, Map.of("dependencies", List.of(Map.of("task", parent))));
        String key = taskId(parent).toString();

        List<String> triggers = poison(Topics.TRIGGERS, key, null);
        List<String> reports = poison(Topics.WORKER_REPORTS, key, "RunSucceeded");
        List<String> events = poison(Topics.RUN_EVENTS, key, "RunStateChanged");

        UUID runId = runOnce(parent);
        awaitRun(runId, "SUCCEEDED", FLOWS_WITHIN);
        // the scheduler read the success from the same run-events partition and handed down to the child
        Awaitility.await("the child of " + parent).atMost(FLOWS_WITHIN).pollInterval(Duration.ofMillis(200))
                .until(() -> runsOf(child).stream().anyMatch(r -> r.state().equals("SUCCEEDED")));
        // the task-service read it too, into the read model the API shows
        Awaitility.await("run " + runId + " in the read model").atMost(FLOWS_WITHIN)
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> api.get("/api/v1/runs/" + runId).json().path("state").asString().equals("SUCCEEDED"));

        awaitDeadLettered(Topics.TRIGGERS, triggers, Set.of(ConsumerGroups.DISPATCHER));
        awaitDeadLettered(Topics.WORKER_REPORTS, reports, Set.of(ConsumerGroups.DISPATCHER));
        awaitDeadLettered(Topics.RUN_EVENTS, events, Set.of(ConsumerGroups.SCHEDULER, ConsumerGroups.TASK_SERVICE));
    }

    @Test
    void poisonOnRunCommandsAndWorkerCommandsIsDeadLetteredAndACancelStillStopsTheRun() {
        String task = "s9-cancel-" + suffix;
        api.effectTask(task, 30, Map.of());
        UUID runId = runOnce(task);
        awaitRun(runId, "RUNNING", Duration.ofSeconds(60));

        List<String> commands = poison(Topics.RUN_COMMANDS, taskId(task).toString(), null);
        List<String> workerCommands = poison(Topics.WORKER_COMMANDS, runId.toString(), null);
        assertThat(api.post("/api/v1/runs/" + runId + "/cancel", Map.of()).status()).isLessThan(300);

        // the 30 s job ends early only when the cancel went through both partitions
        awaitRun(runId, "CANCELLED", Duration.ofSeconds(20));
        awaitDeadLettered(Topics.RUN_COMMANDS, commands, Set.of(ConsumerGroups.DISPATCHER));
        awaitDeadLettered(Topics.WORKER_COMMANDS, workerCommands, Set.of(
                ConsumerGroups.WORKER_COMMANDS_PREFIX + "worker-1", ConsumerGroups.WORKER_COMMANDS_PREFIX + "worker-2"));
    }

    @Test
    void poisonOnTaskDefinitionsIsDeadLetteredAndTheNextDefinitionIsTakenByEveryReader() {
        String task = "s9-definition-" + suffix;
        api.effectTask(task, 0, Map.of());
        UUID taskId = taskId(task);

        List<String> definitions = poison(Topics.TASK_DEFINITIONS, taskId.toString(), null);
        api.effectTask(task, 0, Map.of("priority", 60));
        long version = api.get("/api/v1/tasks/" + task).json().path("definitionVersion").asLong();
        assertThat(version).isGreaterThan(1);

        Awaitility.await("the scheduler's view of " + task + " at version " + version).atMost(FLOWS_WITHIN)
                .pollInterval(Duration.ofMillis(200)).until(() -> cluster.ledger().count(
                        "SELECT count(*) FROM scheduler.task_view WHERE task_id = ? AND definition_version = ?",
                        taskId, version) == 1);
        UUID runId = runOnce(task);
        Ledger.Run run = awaitRun(runId, "SUCCEEDED", FLOWS_WITHIN);
        assertThat(cluster.ledger().count("SELECT definition_version FROM dispatcher.task_run WHERE run_id = ?",
                run.runId())).as("the version the dispatcher ran").isEqualTo(version);
        awaitDeadLettered(Topics.TASK_DEFINITIONS, definitions,
                Set.of(ConsumerGroups.SCHEDULER_DEFINITIONS, ConsumerGroups.DISPATCHER_DEFINITIONS));
    }

    @Test
    void poisonOnExternalTriggersIsDeadLetteredAndTheNextTriggerRuns() {
        String task = "s9-external-" + suffix;
        api.effectTask(task, 0, Map.of());
        String key = task;
        List<String> external = poison(Topics.EXTERNAL_TRIGGERS, key, null);

        String idempotencyKey = "s9-" + UUID.randomUUID();
        UUID runId = Ids.runId(Ids.triggerId(taskId(task), TriggerType.EXTERNAL, idempotencyKey));
        kafka.send(Topics.EXTERNAL_TRIGGERS, key, Json.encode(Map.of("task", task, "idempotencyKey", idempotencyKey,
                "parameters", Map.of())));
        accepted.add(runId);
        awaitRun(runId, "SUCCEEDED", FLOWS_WITHIN);
        awaitDeadLettered(Topics.EXTERNAL_TRIGGERS, external, Set.of(ConsumerGroups.TASK_SERVICE_EXTERNAL));
    }

    @Test
    void poisonOnEveryBandIsDeadLetteredAndTheNextRunOfTheBandRuns() {
        Map<String, Integer> bands = Map.of(Topics.RUNS_HIGH, 80, Topics.RUNS_NORMAL, 50, Topics.RUNS_LOW, 10);
        Map<String, List<String>> poisons = new java.util.LinkedHashMap<>();
        Map<String, UUID> runs = new java.util.LinkedHashMap<>();
        bands.forEach((topic, priority) -> {
            String task = "s9-band-" + priority + "-" + suffix;
            api.effectTask(task, 0, Map.of("priority", priority));
            // the run's id is derived from the caller's idempotency key, so its work record's key is known before
            String idempotencyKey = "s9-" + UUID.randomUUID();
            UUID runId = Ids.runId(Ids.triggerId(taskId(task), TriggerType.MANUAL, idempotencyKey));
            poisons.put(topic, poison(topic, runId.toString(), null));
            assertThat(api.runOnce(task, idempotencyKey)).isEqualTo(runId);
            accepted.add(runId);
            runs.put(topic, runId);
        });
        runs.forEach((topic, runId) -> assertThat(awaitRun(runId, "SUCCEEDED", FLOWS_WITHIN).runId())
                .as(topic).isEqualTo(runId));
        poisons.forEach((topic, values) -> awaitDeadLettered(topic, values, Set.of()));
    }

    /**
     * Publishes the poison records for one topic with the given key and answers their values: not JSON, an object
     * of no known shape, and, for a polymorphic stream, an object naming {@code eventType} without its fields.
     */
    private List<String> poison(String topic, String key, String eventType) {
        String marker = "s9-poison-" + suffix + "-" + topic + "-" + UUID.randomUUID().toString().substring(0, 4);
        List<String> values = new ArrayList<>();
        values.add("not json: " + marker + " {");
        values.add("{\"unexpected\":\"" + marker + "-shape\"}");
        if (eventType != null) {
            values.add("{\"type\":\"" + eventType + "\",\"unexpected\":\"" + marker + "-typed\"}");
        }
        values.forEach(v -> kafka.sendMarked(topic, key, v, "poison"));
        return values;
    }

    /**
     * Waits until each poison value is on the topic's dead-letter topic, sent by each consumer group that reads the
     * topic with a listener (the work topics' slots dead-letter without the group header: there, once is enough).
     */
    private void awaitDeadLettered(String topic, List<String> values, Set<String> groups) {
        String dlq = Topics.deadLetter(topic);
        List<String> missing = new ArrayList<>();
        try {
            Awaitility.await(values.size() + " poison records on " + dlq).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                        missing.clear();
                        List<ConsumerRecord<String, String>> dead = cluster.topics().readAll(dlq);
                        for (String value : values) {
                            Set<String> by = new HashSet<>();
                            boolean found = false;
                            for (ConsumerRecord<String, String> r : dead) {
                                if (value.equals(r.value())) {
                                    found = true;
                                    Header group = r.headers().lastHeader(DLT_GROUP_HEADER);
                                    if (group != null) {
                                        by.add(new String(group.value(), StandardCharsets.UTF_8));
                                    }
                                }
                            }
                            if (!found || !by.containsAll(groups)) {
                                missing.add(value + " (dead-lettered by " + by + ", expected " + groups + ")");
                            }
                        }
                        return missing.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not dead-lettered on " + dlq + ": " + missing, e);
        }
    }

    private UUID taskId(String task) {
        return UUID.fromString(api.get("/api/v1/tasks/" + task).json().path("id").asString());
    }

    private List<Ledger.Run> runsOf(String task) {
        return cluster.ledger().runs().stream().filter(r -> r.taskName().equals(task)).toList();
    }
}
