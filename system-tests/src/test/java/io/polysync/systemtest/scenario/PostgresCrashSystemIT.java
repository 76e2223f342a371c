package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.LoadDriver;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.SystemScenario;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 6: PostgreSQL stops in immediate mode (every backend killed, no checkpoint: a crash as far as the data is
 * concerned) under steady load and starts again, recovering from its WAL. The services reconnect, and nothing they
 * acknowledged is lost: every run the API or the broker accepted ends terminal, its history is complete in the
 * ledger and in the read model, and the read model agrees with the ledger.
 */
class PostgresCrashSystemIT extends SystemScenario {

    @Test
    void postgresCrashedUnderLoadLosesNoAcknowledgedTransition() {
        List<String> tasks = LoadDriver.effectTasks(api, "s6-load-" + suffix, 2, 0.5, Map.of());
        Set<UUID> acceptedWhileDown;
        long refusedWhileDown;
        try (LoadDriver load = new LoadDriver(cluster, tasks, accepted).start(1000)) {
            awaitSucceededAmong(tasks, Set.of(), 4, Duration.ofSeconds(60));

            Set<UUID> beforeCrash = Set.copyOf(accepted);
            long refusedBefore = load.refused();
            cluster.postgres().stopImmediately();
            long sentAtCrash = load.sent();
            // the API refuses Run Once without its database; events on external-triggers are still acknowledged
            Awaitility.await("load while PostgreSQL is down").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> load.sent() >= sentAtCrash + 8 && load.refused() >= refusedBefore + 2);
            refusedWhileDown = load.refused() - refusedBefore;

            acceptedWhileDown = new HashSet<>(accepted);
            acceptedWhileDown.removeAll(beforeCrash);
            cluster.postgres().start();
            cluster.awaitReady(Duration.ofMinutes(2));
            Set<UUID> beforeRecovery = Set.copyOf(accepted);
            awaitSucceededAmong(tasks, beforeRecovery, 4, Duration.ofSeconds(90));
        }

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(3));
        assertThat(refusedWhileDown).as("requests refused while PostgreSQL was down").isPositive();
        assertThat(acceptedWhileDown).as("external triggers the broker acknowledged while PostgreSQL was down")
                .isNotEmpty();
        assertThat(Invariants.acceptedRunsExist(snapshot, accepted)).as("accepted runs lost").isEmpty();
        assertThat(Invariants.everyRunEndedOnce(snapshot)).isEmpty();
        assertThat(Invariants.readModelAgrees(snapshot)).isEmpty();
        Map<UUID, Ledger.Run> runs = new HashMap<>();
        snapshot.runs().forEach(r -> runs.put(r.runId(), r));
        assertThat(acceptedWhileDown).as("runs accepted while PostgreSQL was down")
                .allSatisfy(id -> assertThat(runs.get(id)).as("run " + id).isNotNull()
                        .extracting(Ledger.Run::state).isEqualTo("SUCCEEDED"));
        assertHistoriesComplete(snapshot, Set.copyOf(tasks));
    }

    /**
     * Every run of the tasks has QUEUED, the terminal state and nothing else but RUNNING among its transitions, in
     * the ledger, and the read model's history shows the same transitions.
     */
    private void assertHistoriesComplete(Invariants.Snapshot snapshot, Set<String> tasks) {
        Map<UUID, List<String>> ledger = new HashMap<>();
        snapshot.history().stream().filter(h -> "TRANSITION".equals(h.kind()))
                .forEach(h -> ledger.computeIfAbsent(h.runId(), k -> new ArrayList<>()).add(h.state()));
        Map<UUID, List<String>> readModel = new HashMap<>();
        cluster.ledger().query("SELECT h.run_id, h.state FROM task.task_run_history h JOIN task.task_run r "
                        + "ON r.run_id = h.run_id WHERE h.kind = 'TRANSITION' AND r.task_name LIKE ? ORDER BY h.id",
                rs -> {
                    readModel.computeIfAbsent((UUID) rs.getObject(1), k -> new ArrayList<>()).add(rs.getString(2));
                    return null;
                }, "s6-load-" + suffix + "-%");
        List<Ledger.Run> ours = snapshot.runs().stream().filter(r -> tasks.contains(r.taskName())).toList();
        assertThat(ours).as("runs of " + tasks).isNotEmpty().allSatisfy(run -> {
            List<String> states = ledger.getOrDefault(run.runId(), List.of());
            assertThat(states).as("ledger transitions of " + run.runId()).isNotEmpty()
                    .startsWith("QUEUED").endsWith(run.state());
            assertThat(readModel.getOrDefault(run.runId(), List.of())).as("read-model transitions of " + run.runId())
                    .containsExactlyInAnyOrderElementsOf(states);
        });
    }
}
