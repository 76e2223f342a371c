package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Effects;
import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemCluster;
import io.polysync.systemtest.harness.SystemScenario;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Scenario 2: a worker frozen ({@code kill -STOP}) past its lease and then resumed. The dispatcher fails its run LOST
 * meanwhile and retries it; the worker, once resumed, still believes it runs the run (its job, a child process the
 * signal does not stop, kept running). Its next heartbeat tells the dispatcher so, which asks that worker alone to
 * stop the run; the job is stopped before its end and the worker's late outcome is rejected and recorded as a NOTE.
 *
 * <p>What "limits never exceeded" means here: the limit is a promise about the ledger, the dispatcher's view, which is
 * the only one it can enforce. A LOST run stops counting against its task's max concurrent runs and its profiles'
 * permits when its lease expires, whether or not its worker is in fact still executing it; the lease timeout bounds
 * how long a silent worker keeps a slot. So the test shows both sides: the ledger never had more than one run of the
 * task admitted at once, and the slot was given to another run while the frozen worker's job was still executing
 * (at-least-once execution: a LOST attempt runs on until its worker hears it must stop).
 */
class WorkerPauseSystemIT extends SystemScenario {

    /** The frozen worker's job: outlasts the pause, the lease and the next admission by several seconds. */
    private static final int FROZEN_JOB_SECONDS = 14;

    @Test
    void aPausedWorkersRunIsLostItIsToldToStopAndItsLateOutcomeIsRejected() {
        String profile = "s2-one-at-a-time-" + suffix;
        api.upsert("contention-profiles", profile, Map.of("name", profile, "maxConcurrent", 1));
        String task = "s2-paused-" + suffix;
        api.effectTask(task, FROZEN_JOB_SECONDS, Map.of("maxConcurrentRuns", 1, "contentionProfiles",
                List.of(profile), "retry", Map.of("enabled", true, "maxRetryAttempts", 1, "backoff", "FIXED",
                        "initialDelaySeconds", 1)));

        UUID frozen = runOnce(task);
        Ledger.Run running = awaitRun(frozen, "RUNNING", Duration.ofSeconds(60));
        awaitHeartbeat(frozen);
        // a second run of the task, quick, waits for the task's one slot
        UUID next = runOnceSleeping(task, 1);
        awaitWaiting(next);

        ServiceProcess claimant = cluster.service(running.claimedBy());
        claimant.pause();
        Ledger.Run lost;
        try {
            lost = awaitRun(frozen, "FAILED", SystemCluster.LEASE_TIMEOUT.plusSeconds(15));
            assertThat(claimant.isPaused()).isTrue();
        } finally {
            // well inside the workers' Kafka session timeout (10 s): the frozen worker keeps its partitions, so its
            // run is not delivered again elsewhere
            claimant.resume();
        }
        assertThat(lost.errorSays("LOST")).as(lost.error()).isTrue();
        assertThat(lost.claimedBy()).isEqualTo(claimant.name());
        assertThat(cluster.ledger().permits()).extracting(Ledger.Permit::runId).doesNotContain(frozen);

        // the resumed worker is told to stop the run it lost; its cancelled outcome is rejected and recorded
        Ledger.History rejected = awaitNote(frozen, "rejected RunCancelled from worker " + claimant.name(),
                Duration.ofSeconds(FROZEN_JOB_SECONDS + 30));
        assertThat(rejected.reason()).contains("already FAILED");
        assertThat(rejected.at()).isAfter(lost.finishedAt());

        Ledger.Run retry = awaitRetryOf(frozen, Duration.ofSeconds(30));
        assertThat(retry.attempt()).isEqualTo(2);
        awaitRun(retry.runId(), "SUCCEEDED", Duration.ofSeconds(90));
        awaitRun(next, "SUCCEEDED", Duration.ofSeconds(60));
        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));

        // the frozen run stayed FAILED; its late heartbeats renewed nothing
        assertThat(run(frozen).state()).isEqualTo("FAILED");
        assertThat(cluster.ledger().count("SELECT count(*) FROM dispatcher.task_run WHERE run_id = ?"
                + " AND last_heartbeat_at > finished_at", frozen)).as("heartbeats after LOST renewed the lease")
                .isZero();
        // the slot went to the waiting run while the frozen worker still executed the LOST run (it had not reported
        // yet): the limit is the ledger's, not the jobs'; the LOST run's job was stopped before its end
        Ledger.Run nextRun = run(next);
        assertThat(nextRun.admittedAt()).isAfterOrEqualTo(lost.finishedAt()).isBefore(rejected.at());
        assertThat(cluster.effects().of(frozen)).extracting(Effects.Effect::kind, Effects.Effect::node)
                .containsExactly(tuple("start", claimant.name()));
        // never more than one run of the task admitted at once, the ledger's view the dispatcher enforces
        assertThat(Invariants.peakConcurrency(snapshot, Set.of(task))).isEqualTo(1);
        assertThat(snapshot.permits()).extracting(Ledger.Permit::profile).doesNotContain(profile);
    }

    private UUID runOnceSleeping(String task, double seconds) {
        var response = api.post("/api/v1/tasks/" + task + "/runs", Map.of("idempotencyKey",
                UUID.randomUUID().toString(), "parameters", Map.of("env", Map.of("SLEEP", Double.toString(seconds)))));
        assertThat(response.status()).as(response.body()).isEqualTo(202);
        UUID runId = UUID.fromString(response.json().path("runId").asString());
        accepted.add(runId);
        return runId;
    }

    private Ledger.History awaitNote(UUID runId, String prefix, Duration timeout) {
        Awaitility.await("a NOTE '" + prefix + "' of " + runId).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .until(() -> note(runId, prefix) != null);
        return note(runId, prefix);
    }

    private Ledger.History note(UUID runId, String prefix) {
        return cluster.ledger().history().stream()
                .filter(h -> h.runId().equals(runId) && "NOTE".equals(h.kind()) && h.reason().startsWith(prefix))
                .findFirst().orElse(null);
    }
}
