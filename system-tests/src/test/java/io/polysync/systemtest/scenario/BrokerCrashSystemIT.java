package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.LoadDriver;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.OsProcess;
import io.polysync.systemtest.harness.SystemScenario;
import io.polysync.model.Json;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 5: the Kafka broker is killed with {@code kill -9} under steady load (Run Once through the API and events
 * on {@code polysync.external-triggers}) and started again. Outboxes and producers retry into the restarted broker;
 * the backlog drains; no accepted run is lost, no trigger makes two runs and no run's job finishes twice.
 */
class BrokerCrashSystemIT extends SystemScenario {

    @Test
    void theBrokerKilledUnderLoadLosesNoAcceptedRunAndDuplicatesNothing() {
        List<String> tasks = LoadDriver.effectTasks(api, "s5-load-" + suffix, 2, 0.5, Map.of());
        Set<UUID> acceptedWhileDown;
        long refused;
        try (LoadDriver load = new LoadDriver(cluster, tasks, accepted).start(1000)) {
            awaitSucceededAmong(tasks, Set.of(), 4, Duration.ofSeconds(60));

            OsProcess broker = cluster.kafka().process();
            Set<UUID> beforeCrash = Set.copyOf(accepted);
            broker.kill();
            long sentAtCrash = load.sent();
            Awaitility.await("load while the broker is down").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200)).until(() -> load.sent() >= sentAtCrash + 8);
            acceptedWhileDown = new HashSet<>(accepted);
            acceptedWhileDown.removeAll(beforeCrash);

            broker.start();
            cluster.heal(); // waits for the broker's port and for every service to be ready
            Set<UUID> beforeRecovery = Set.copyOf(accepted);
            awaitSucceededAmong(tasks, beforeRecovery, 4, Duration.ofSeconds(90));
            refused = load.refused();
        }

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(3));
        // Run Once writes its run and its trigger into the task-service's outbox, so the API accepts with no broker
        assertThat(acceptedWhileDown).as("runs accepted while the broker was down (refused: %d)", refused)
                .isNotEmpty();
        Map<UUID, Ledger.Run> runs = new HashMap<>();
        snapshot.runs().forEach(r -> runs.put(r.runId(), r));
        assertThat(acceptedWhileDown).as("runs accepted while the broker was down, once it was back")
                .allSatisfy(id -> assertThat(runs.get(id)).as("run " + id).isNotNull()
                        .extracting(Ledger.Run::state).isEqualTo("SUCCEEDED"));
        assertThat(Invariants.acceptedRunsExist(snapshot, accepted)).as("accepted runs lost").isEmpty();
        assertThat(Invariants.everyTriggerMadeExactlyOneRun(snapshot)).isEmpty();
        assertThat(Invariants.succeededRunsRanOnceByTheirClaimant(snapshot)).isEmpty();
        // every trigger of these tasks, however often a retrying producer published it, made exactly one run
        Set<String> names = Set.copyOf(tasks);
        Set<UUID> triggers = new HashSet<>();
        for (String value : snapshot.triggerRecords()) {
            JsonNode trigger = Json.tree(value);
            if (names.contains(trigger.path("taskName").asString())) {
                triggers.add(UUID.fromString(trigger.path("triggerId").asString()));
            }
        }
        assertThat(snapshot.runs()).filteredOn(r -> names.contains(r.taskName()))
                .extracting(Ledger.Run::triggerId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(triggers);
    }
}
