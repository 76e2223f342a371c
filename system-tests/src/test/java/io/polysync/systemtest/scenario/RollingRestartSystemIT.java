package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.LoadDriver;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
            awaitSucceeded(taskNames, 6);
            for (ServiceProcess service : cluster.services()) {
                service.stopGracefully(Duration.ofSeconds(60));
                service.start();
                cluster.awaitReady(service);
                int before = succeeded(taskNames);
                awaitSucceeded(taskNames, before + 3); // the system still makes progress before the next restart
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

    private int succeeded(Set<String> tasks) {
        return (int) cluster.ledger().runs().stream()
                .filter(r -> tasks.contains(r.taskName()) && r.state().equals("SUCCEEDED")).count();
    }

    private void awaitSucceeded(Set<String> tasks, int count) {
        Awaitility.await(count + " runs succeeded").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                .ignoreExceptions().until(() -> succeeded(tasks) >= count);
    }
}
