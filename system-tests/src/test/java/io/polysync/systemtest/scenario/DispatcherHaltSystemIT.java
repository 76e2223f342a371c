package io.polysync.systemtest.scenario;

import io.polysync.systemtest.harness.Invariants;
import io.polysync.systemtest.harness.Ledger;
import io.polysync.systemtest.harness.ServiceProcess;
import io.polysync.systemtest.harness.SystemScenario;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 3: a dispatcher dies between the commit of a run and the publish that commit implies (the test-only halt
 * switch of the outbox, so the crash point is exact, not timed). The run stays in the ledger with its events in the
 * dispatcher's outbox; the restarted dispatcher's relay delivers them, the run completes once and the job runs once.
 */
class DispatcherHaltSystemIT extends SystemScenario {

    /** {@code Outbox.HALT_STATUS} of common-runtime: the exit status of a halt at the fault point. */
    private static final int HALT_STATUS = 86;

    @Test
    void aDispatcherHaltedAfterCommittingARunDeliversItFromItsOutboxAfterRestart() {
        String task = "s3-halt-" + suffix;
        api.effectTask(task, 1, Map.of());
        // the armed dispatcher's first outbox-writing transaction is the one that queues and admits this run
        ServiceProcess halting = armAlone(1);

        UUID runId = runOnce(task);

        assertThat(halting.awaitExit(Duration.ofSeconds(90))).as("exit status of " + halting).isEqualTo(HALT_STATUS);
        Ledger.Run committed = run(runId);
        assertThat(committed).as("the run the halted dispatcher committed").isNotNull();
        assertThat(committed.state()).isEqualTo("QUEUED");
        assertThat(committed.admittedAt()).as("admitted in the halted transaction").isNotNull();
        assertThat(unpublished(runId)).as("outbox rows of " + runId + " left unpublished by the halt").isPositive();
        assertThat(cluster.effects().of(runId)).as("no worker got the run before the restart").isEmpty();

        halting.start();
        cluster.awaitReady(halting);
        awaitRun(runId, "SUCCEEDED", Duration.ofSeconds(90));

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        assertThat(unpublished(runId)).as("outbox rows of " + runId + " after the restart").isZero();
        List<Ledger.Run> runs = snapshot.runs().stream().filter(r -> r.taskName().equals(task)).toList();
        assertThat(runs).as("runs of " + task).singleElement()
                .satisfies(r -> assertThat(r.triggerId()).isEqualTo(committed.triggerId()));
        assertThat(snapshot.history()).filteredOn(h -> h.runId().equals(runId) && "TRANSITION".equals(h.kind()))
                .extracting(Ledger.History::state).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(cluster.effects().of(runId)).as("job effects of " + runId)
                .extracting(e -> e.kind()).containsExactly("start", "end");
        assertThat(Invariants.everyTriggerMadeExactlyOneRun(snapshot)).isEmpty();
        assertThat(Invariants.runEventsAgree(snapshot)).isEmpty();
    }

    @Test
    void aDispatcherHaltedAfterCommittingAWorkerReportCompletesTheRunAfterRestart() {
        String task = "s3-halt-report-" + suffix;
        api.effectTask(task, 3, Map.of());
        // commit 1 queues and admits the run (and is published); commit 2 applies the worker's RunStarted
        ServiceProcess halting = armAlone(2);

        UUID runId = runOnce(task);

        assertThat(halting.awaitExit(Duration.ofSeconds(90))).as("exit status of " + halting).isEqualTo(HALT_STATUS);
        assertThat(run(runId).state()).as("the halted transaction's state").isEqualTo("RUNNING");
        assertThat(unpublished(runId)).as("outbox rows of " + runId + " left unpublished by the halt").isPositive();
        // the worker goes on with no dispatcher up: its heartbeats and its outcome wait on worker-reports
        org.awaitility.Awaitility.await("the job of " + runId + " done").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.effects().of(runId).stream().anyMatch(e -> e.isEnd()));

        halting.start();
        cluster.awaitReady(halting);
        Ledger.Run done = awaitTerminal(runId, Duration.ofSeconds(90));
        assertThat(done.state()).as("run " + runId + " " + done.error()).isEqualTo("SUCCEEDED");

        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(2));
        assertThat(snapshot.runs()).filteredOn(r -> r.taskName().equals(task)).hasSize(1);
        assertThat(snapshot.history()).filteredOn(h -> h.runId().equals(runId) && "TRANSITION".equals(h.kind()))
                .extracting(Ledger.History::state).containsExactly("QUEUED", "RUNNING", "SUCCEEDED");
        assertThat(cluster.effects().of(runId)).as("job effects of " + runId)
                .extracting(e -> e.kind()).containsExactly("start", "end");
        assertThat(Invariants.runEventsAgree(snapshot)).isEmpty();
    }

    /**
     * Stops both dispatchers and starts one again, armed to halt after its {@code commits}th outbox commit. It then
     * owns every partition, so the test's trigger reaches it; the cluster is quiet (every earlier run terminal, no
     * waiting run, no lease to reap), so its outbox commits are the test's.
     */
    private ServiceProcess armAlone(int commits) {
        ServiceProcess halting = cluster.service("dispatcher-2");
        cluster.service("dispatcher-1").stopGracefully(Duration.ofSeconds(30));
        halting.stopGracefully(Duration.ofSeconds(30));
        assertThat(cluster.ledger().outboxBacklog("dispatcher")).as("dispatcher outbox before the fault").isZero();
        assertThat(cluster.ledger().runs()).as("open runs before the fault").allMatch(Ledger.Run::terminal);
        halting.start(List.of("--polysync.runtime.outbox.halt-after-commits=" + commits));
        cluster.awaitReady(halting);
        return halting;
    }

    private Ledger.Run awaitTerminal(UUID runId, Duration timeout) {
        org.awaitility.Awaitility.await("run " + runId + " terminal").atMost(timeout)
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> run(runId).terminal());
        return run(runId);
    }

    private long unpublished(UUID runId) {
        return cluster.ledger().count("SELECT count(*) FROM dispatcher.outbox WHERE payload LIKE ?", "%" + runId + "%");
    }
}
