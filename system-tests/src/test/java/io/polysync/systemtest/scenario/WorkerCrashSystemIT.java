package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemCluster;
import io.polysync.systemtest.harness.SystemScenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Scenario 1: a worker dies holding a run; the run ends LOST, is retried, and exactly one attempt wins. */
class WorkerCrashSystemIT extends SystemScenario {

    private static final Map<String, Object> RETRY = Map.of("retry", Map.of("enabled", true, "maxRetryAttempts", 2,
            "backoff", "FIXED", "initialDelaySeconds", 1));

    @Test
    void aWorkerKilledMidRunLosesTheRunAndTheRetryWins() {
        String task = "s1-mid-run-" + suffix;
        api.effectTask(task, 6, RETRY);
        UUID runId = runOnce(task);

        Ledger.Run running = awaitRun(runId, "RUNNING", Duration.ofSeconds(60));
        awaitHeartbeat(runId);
        ServiceProcess claimant = cluster.service(running.claimedBy());
        claimant.kill();

        Ledger.Run lost = awaitRun(runId, "FAILED", SystemCluster.LEASE_TIMEOUT.plusSeconds(30));
        assertThat(lost.errorSays("LOST")).as(lost.error()).isTrue();
        Ledger.Run retry = awaitRetryOf(runId, Duration.ofSeconds(30));
        assertThat(retry.attempt()).isEqualTo(2);
        awaitRun(retry.runId(), "SUCCEEDED", Duration.ofSeconds(60));

        assertOneWinningAttempt(task);
    }

    @Test
    void aWorkerKilledBeforeItsFirstHeartbeatLosesTheRunAndTheRetryWins() {
        String task = "s1-no-heartbeat-" + suffix;
        api.effectTask(task, 1, RETRY);
        // both workers frozen: the run is admitted and handed to the work topic, and whichever worker holds its
        // partition dies without a RunStarted or a heartbeat
        List<ServiceProcess> workers = cluster.replicas("worker");
        workers.forEach(ServiceProcess::pause);
        UUID runId = runOnce(task);
        awaitAdmitted(runId);
        workers.forEach(ServiceProcess::kill);

        Ledger.Run lost = awaitRun(runId, "FAILED", SystemCluster.START_TIMEOUT.plusSeconds(30));
        assertThat(lost.errorSays("LOST")).as(lost.error()).isTrue();
        assertThat(lost.startedAt()).isNull();
        cluster.heal();
        Ledger.Run retry = awaitRetryOf(runId, Duration.ofSeconds(30));
        awaitRun(retry.runId(), "SUCCEEDED", Duration.ofSeconds(90));

        assertOneWinningAttempt(task);
    }

    private void assertOneWinningAttempt(String task) {
        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        Map<UUID, List<Ledger.Run>> chains = Invariants.attemptChains(snapshot, task);
        assertThat(chains).hasSize(1);
        List<Ledger.Run> chain = chains.values().iterator().next();
        assertThat(chain).extracting(Ledger.Run::state).containsExactly("FAILED", "SUCCEEDED");
        assertThat(cluster.effects().of(chain.get(1).runId())).filteredOn(e -> e.isEnd()).hasSize(1);
    }
}
