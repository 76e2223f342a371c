package io.polysync.systemtest.scenario;

import io.polysync.model.ConsumerGroups;
import io.polysync.model.Json;
import io.polysync.model.Topics;
import io.polysync.systemtest.harness.Effects;
import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 8: events delivered again. After a history with a dependency hand-off, a retry and a cancel, the
 * dispatcher's group is rewound over triggers, worker-reports and run-commands, the scheduler's group over run-events
 * (each with its replicas stopped gracefully, since a group's offsets change only without members), and every trigger
 * of the history is published a second time. Nothing may come of it: no run more, no state changed, no dependent
 * triggered again, no retry scheduled again.
 *
 * <p>The worker group is not rewound: re-delivering work records means executing the work again, which the design
 * fences at the dispatcher (claims) but does not promise to avoid; that is out of this scenario's scope.
 */
class ReplaySystemIT extends SystemScenario {

    private static final List<String> DISPATCHER_TOPICS = List.of(Topics.TRIGGERS, Topics.WORKER_REPORTS,
            Topics.RUN_COMMANDS);
    private static final List<String> SCHEDULER_TOPICS = List.of(Topics.RUN_EVENTS);

    @Test
    void replayedAndDuplicatedEventsMakeNoRunAndTriggerNoDependentAgain() {
        String parent = "s8-parent-" + suffix;
        String child = "s8-child-" + suffix;
        String retried = "s8-retried-" + suffix;
        String cancelled = "s8-cancel-" + suffix;
        Set<String> tasks = Set.of(parent, child, retried, cancelled);
        api.effectTask(parent, 0, Map.of());
        api.effectTask(child, 0, Map.of("dependencies", List.of(Map.of("task", parent))));
        api.effectTask(retried, 0, Map.of(
                "parameters", Map.of("command", Effects.COMMAND, "env", Map.of("SLEEP", "0", "FAIL_ATTEMPTS", "1")),
                "retry", Map.of("enabled", true, "maxRetryAttempts", 1, "backoff", "FIXED",
                        "initialDelaySeconds", 1)));
        api.effectTask(cancelled, 2, Map.of("maxConcurrentRuns", 1));

        try (GroupOffsets kafka = new GroupOffsets(cluster.kafka().bootstrapServers())) {
            Map<TopicPartition, Long> start = kafka.endOffsets(List.of(Topics.TRIGGERS, Topics.WORKER_REPORTS,
                    Topics.RUN_COMMANDS, Topics.RUN_EVENTS));

            // the history: two parent successes, each handing down to the child once; a failure and its retry; a cancel
            for (int i = 1; i <= 2; i++) {
                awaitRun(runOnce(parent), "SUCCEEDED", Duration.ofSeconds(60));
                int successes = i;
                Awaitility.await("child run " + i).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> runsOf(child).stream().filter(r -> r.state().equals("SUCCEEDED")).count()
                                == successes);
            }
            UUID failed = runOnce(retried);
            awaitRun(awaitRetryOf(failed, Duration.ofSeconds(60)).runId(), "SUCCEEDED", Duration.ofSeconds(60));
            UUID running = runOnce(cancelled);
            UUID queued = runOnce(cancelled);
            awaitRun(running, "RUNNING", Duration.ofSeconds(60));
            assertThat(api.post("/api/v1/runs/" + queued + "/cancel", Map.of()).status()).isLessThan(300);
            awaitRun(queued, "CANCELLED", Duration.ofSeconds(30));
            awaitRun(running, "SUCCEEDED", Duration.ofSeconds(60));

            Invariants.Snapshot before = awaitQuiet(Duration.ofMinutes(2));
            Map<UUID, String> runsBefore = runStates(before, tasks);
            Map<String, Long> recordsBefore = records(tasks);
            assertThat(runsBefore).hasSize(2 + 2 + 2 + 2);

            // 1. the dispatcher's group reads its history again: triggers, worker reports, cancel requests
            replay(kafka, "dispatcher", ConsumerGroups.DISPATCHER, DISPATCHER_TOPICS, start);
            // 2. the scheduler's group reads the run events again: parent successes, the failure
            replay(kafka, "scheduler", ConsumerGroups.SCHEDULER, SCHEDULER_TOPICS, start);
            // 3. every trigger of the history published once more, as a producer retrying after a lost ack would
            List<ConsumerRecord<String, String>> triggers = cluster.topics().readAll(Topics.TRIGGERS).stream()
                    .filter(r -> r.offset() >= start.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L))
                    .filter(r -> tasks.contains(field(r.value(), "taskName"))).toList();
            assertThat(triggers).hasSizeGreaterThanOrEqualTo(runsBefore.size());
            triggers.forEach(r -> kafka.sendMarked(Topics.TRIGGERS, r.key(), r.value(), "duplicate"));
            kafka.awaitCaughtUp(ConsumerGroups.DISPATCHER, DISPATCHER_TOPICS, Duration.ofSeconds(60));
            kafka.awaitCaughtUp(ConsumerGroups.SCHEDULER, SCHEDULER_TOPICS, Duration.ofSeconds(60));

            Invariants.Snapshot after = awaitQuiet(Duration.ofMinutes(2));
            assertThat(runStates(after, tasks)).as("runs and their states after the replays")
                    .isEqualTo(runsBefore);
            assertThat(runsOf(child)).as("child runs, one per parent success").hasSize(2);
            assertThat(records(tasks)).as("records the services published about the scenario's tasks, by kind")
                    .isEqualTo(recordsBefore);
        }
    }

    /** Stops the service's replicas gracefully, rewinds the group to {@code start}, restarts them, waits for them. */
    private void replay(GroupOffsets kafka, String service, String group, List<String> topics,
                        Map<TopicPartition, Long> start) {
        List<ServiceProcess> replicas = cluster.replicas(service);
        replicas.forEach(r -> r.stopGracefully(Duration.ofSeconds(40)));
        kafka.rewind(group, start.entrySet().stream().filter(e -> topics.contains(e.getKey().topic()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
        replicas.forEach(ServiceProcess::start);
        replicas.forEach(cluster::awaitReady);
        kafka.awaitCaughtUp(group, topics, Duration.ofSeconds(90));
    }

    private List<Ledger.Run> runsOf(String task) {
        return cluster.ledger().runs().stream().filter(r -> r.taskName().equals(task)).toList();
    }

    private static Map<UUID, String> runStates(Invariants.Snapshot s, Set<String> tasks) {
        return s.runs().stream().filter(r -> tasks.contains(r.taskName()))
                .collect(Collectors.toMap(Ledger.Run::runId, Ledger.Run::state, (a, b) -> a, TreeMap::new));
    }

    /**
     * What was published about the tasks: trigger records by type, run-event records by type and state, and the
     * triggers in all.
     */
    private Map<String, Long> records(Set<String> tasks) {
        Map<String, Long> counts = new TreeMap<>();
        for (ConsumerRecord<String, String> r : cluster.topics().readAll(Topics.TRIGGERS)) {
            if (GroupOffsets.marked(r)) {
                continue; // the duplicates this test published itself
            }
            JsonNode t = tree(r.value());
            if (t != null && tasks.contains(t.path("taskName").asString())) {
                counts.merge("triggers", 1L, Long::sum);
                counts.merge("trigger " + t.path("triggerType").asString() + " of " + t.path("taskName").asString(),
                        1L, Long::sum);
            }
        }
        Set<String> runIds = cluster.ledger().runs().stream().filter(r -> tasks.contains(r.taskName()))
                .map(r -> r.runId().toString()).collect(Collectors.toSet());
        for (ConsumerRecord<String, String> r : cluster.topics().readAll(Topics.RUN_EVENTS)) {
            JsonNode e = tree(r.value());
            if (e != null && runIds.contains(e.path("runId").asString())) {
                counts.merge("run-event " + e.path("type").asString() + " " + e.path("state").asString(), 1L,
                        Long::sum);
            }
        }
        return counts;
    }

    private static String field(String value, String name) {
        JsonNode node = tree(value);
        return node == null ? null : node.path(name).asString();
    }

    private static JsonNode tree(String value) {
        try {
            JsonNode node = value == null ? null : Json.tree(value);
            return node != null && node.isObject() ? node : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
