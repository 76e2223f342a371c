package io.polysync.systemtest.harness;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of every scenario: the shared cluster, a record of the run ids the API accepted, and after each scenario the
 * heal and the full invariant check over everything the cluster ever ran, so a scenario that breaks a promise fails
 * even when its own assertions did not look there.
 */
public abstract class SystemScenario {

    protected SystemCluster cluster;
    protected Api api;
    protected final Set<UUID> accepted = ConcurrentHashMap.newKeySet();
    /** A suffix for this scenario's task names: the cluster, its database and its topics outlive a scenario. */
    protected final String suffix = UUID.randomUUID().toString().substring(0, 6);

    @BeforeEach
    void joinCluster() {
        cluster = SystemCluster.get();
        api = cluster.api();
    }

    @AfterEach
    void healAndCheckEveryInvariant() {
        cluster.heal();
        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(3));
        assertThat(Invariants.all(snapshot, accepted)).as("invariant violations").isEmpty();
    }

    /** Run Once, remembering the run id the API accepted. */
    protected UUID runOnce(String task) {
        UUID runId = api.runOnce(task);
        accepted.add(runId);
        return runId;
    }

    protected Ledger.Run run(UUID runId) {
        return cluster.ledger().runs().stream().filter(r -> r.runId().equals(runId)).findFirst().orElse(null);
    }

    protected Ledger.Run awaitRun(UUID runId, String state, Duration timeout) {
        Awaitility.await("run " + runId + " " + state).atMost(timeout).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    Ledger.Run run = run(runId);
                    return run != null && run.state().equals(state);
                });
        return run(runId);
    }

    /** The run that retried {@code runId}, once the ledger has it. */
    protected Ledger.Run awaitRetryOf(UUID runId, Duration timeout) {
        Awaitility.await("a retry of " + runId).atMost(timeout).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> cluster.ledger().runs().stream().anyMatch(r -> runId.equals(r.retryOf())));
        return cluster.ledger().runs().stream().filter(r -> runId.equals(r.retryOf())).findFirst().orElseThrow();
    }

    /** Until the dispatcher has heard a heartbeat of the run (its lease renewed at least once). */
    protected void awaitHeartbeat(UUID runId) {
        Awaitility.await("a heartbeat of " + runId).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.ledger().count(
                        "SELECT count(*) FROM dispatcher.task_run WHERE run_id = ? AND last_heartbeat_at IS NOT NULL",
                        runId) == 1);
    }

    /** Until the run is admitted (handed to a work topic), started or not. */
    protected void awaitAdmitted(UUID runId) {
        Awaitility.await("run " + runId + " admitted").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> run(runId) != null && run(runId).admittedAt() != null);
    }

    /** Until the run waits, not admitted, with the reason recorded. */
    protected void awaitWaiting(UUID runId) {
        Awaitility.await("run " + runId + " waiting").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> cluster.ledger().count("SELECT count(*) FROM dispatcher.task_run WHERE run_id = ?"
                        + " AND state = 'QUEUED' AND admitted_at IS NULL AND waiting_reason IS NOT NULL", runId) == 1);
    }

    /** Until {@code count} runs of the tasks, other than {@code excluded}, have SUCCEEDED. */
    protected void awaitSucceededAmong(Collection<String> tasks, Set<UUID> excluded, int count, Duration timeout) {
        Awaitility.await(count + " new runs of " + tasks + " succeeded").atMost(timeout)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> cluster.ledger().runs().stream().filter(r -> tasks.contains(r.taskName()))
                        .filter(r -> !excluded.contains(r.runId())).filter(r -> r.state().equals("SUCCEEDED"))
                        .count() >= count);
    }

    /**
     * Waits until every run in the ledger is terminal, the read model shows the same states and every outbox is
     * empty, then reads the whole history.
     */
    protected Invariants.Snapshot awaitQuiet(Duration timeout) {
        List<String> lastSeen = new ArrayList<>();
        try {
            Awaitility.await("the cluster quiet").atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> {
                        Invariants.Snapshot s = Invariants.Snapshot.read(cluster);
                        List<String> open = new ArrayList<>(Invariants.everyRunEndedOnce(s));
                        open.addAll(Invariants.readModelAgrees(s));
                        open.addAll(Invariants.acceptedRunsExist(s, accepted));
                        for (String schema : List.of("task", "scheduler", "dispatcher")) {
                            long backlog = cluster.ledger().outboxBacklog(schema);
                            if (backlog > 0) {
                                open.add(schema + " outbox holds " + backlog + " rows");
                            }
                        }
                        lastSeen.clear();
                        lastSeen.addAll(open.stream().limit(20).toList());
                        return open.isEmpty();
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("the cluster did not go quiet within " + timeout + "; still open: " + lastSeen, e);
        }
        return Invariants.Snapshot.read(cluster);
    }
}
