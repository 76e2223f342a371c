package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.LoadDriver;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 11: every service stopped gracefully and started again, one at a time, under steady load through the API
 * and external triggers. A graceful stop hands work over (consumer groups left at once, workers drain their runs), so
 * not one accepted run may be lost or even fail.
 */
class RollingRestartSystemIT extends SystemScenario {

    @Test
    void aRollingRestartOfEveryServiceLosesNoRun() {
        List<String> tasks = LoadDriver.effectTasks(api, "s11-rolling-" + suffix, 3, 0.3, Map.of());
        Set<String> taskNames = new HashSet<>(tasks);
        try (LoadDriver load = new LoadDriver(cluster, tasks, accepted).start(1_000)) {
            awaitSucceededAmong(taskNames, Set.of(), 6, Duration.ofSeconds(90));
            for (ServiceProcess service : cluster.services()) {
                service.stopGracefully(Duration.ofSeconds(60));
                service.start();
                cluster.awaitReady(service);
                // the system still makes progress before the next restart
                awaitSucceededAmong(taskNames, succeededRuns(taskNames), 3, Duration.ofSeconds(90));
            }
        }

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(3));
        List<Ledger.Run> runs = snapshot.runs().stream().filter(r -> taskNames.contains(r.taskName())).toList();
        assertThat(runs).as("runs of the load").hasSizeGreaterThan(30);
        assertThat(runs).as("runs that did not succeed").allSatisfy(r -> {
            assertThat(r.state()).as(r.runId() + " " + r.error()).isEqualTo("SUCCEEDED");
            assertThat(r.attempt()).isEqualTo(1);
        });
        assertThat(runs.stream().map(Ledger.Run::runId).toList()).containsAll(accepted);
    }

    private Set<UUID> succeededRuns(Set<String> tasks) {
        return cluster.ledger().runs().stream().filter(r -> tasks.contains(r.taskName()))
                .filter(r -> r.state().equals("SUCCEEDED")).map(Ledger.Run::runId).collect(Collectors.toSet());
    }
}
