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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 7: a worker dies ({@code kill -9}) while its runs hold permits of a contention profile that several tasks
 * share, with more runs queued than the profile allows. The permits come back when the lost runs' leases expire (their
 * {@code dispatcher.profile_permit} rows go), the waiting runs are admitted then and not before, the profile's limit
 * holds throughout (from the ledger's admission and finish times), and no permit is left behind at the end.
 */
class ContentionPermitsSystemIT extends SystemScenario {

    private static final int LIMIT = 2;
    /** The permit holders: long enough to be killed mid-run and to outlast the lease expiry by far. */
    private static final int HOLDER_SECONDS = 15;
    private static final int WAITER_SECONDS = 2;
    private static final Map<String, Object> RETRY = Map.of("enabled", true, "maxRetryAttempts", 2,
            "backoff", "FIXED", "initialDelaySeconds", 1);

    @Test
    void permitsOfACrashedWorkersRunsComeBackAtLeaseExpiryAndTheQueueDrainsWithinTheLimit() {
        String profile = "s7-pool-" + suffix;
        api.upsert("contention-profiles", profile, Map.of("name", profile, "maxConcurrent", LIMIT));
        String holders = "s7-holder-" + suffix;
        List<String> waiterTasks = List.of("s7-waiter-a-" + suffix, "s7-waiter-b-" + suffix);
        Map<String, Object> linked = Map.of("contentionProfiles", List.of(profile), "retry", RETRY);
        api.effectTask(holders, HOLDER_SECONDS, linked);
        waiterTasks.forEach(t -> api.effectTask(t, WAITER_SECONDS, linked));
        Set<String> tasks = Set.of(holders, waiterTasks.get(0), waiterTasks.get(1));

        List<UUID> held = List.of(runOnce(holders), runOnce(holders));
        held.forEach(this::awaitAdmitted);
        assertThat(profilePermits(profile)).containsExactlyInAnyOrderElementsOf(held);
        List<UUID> waiting = new ArrayList<>();
        for (String t : waiterTasks) {
            for (int i = 0; i < 3; i++) {
                waiting.add(runOnce(t));
            }
        }
        waiting.forEach(this::awaitWaiting);

        // kill the worker of the first permit holder seen running; it may hold the other one as well (running, or
        // waiting behind it for the same run slot)
        UUID first = awaitOneRunning(held);
        ServiceProcess victim = cluster.service(run(first).claimedBy());
        Instant killedAt = Instant.now();
        victim.kill();
        // nothing moves before the lease expires: the dead worker's runs keep their permits, nobody waiting is let in
        assertThat(waiting).allSatisfy(id -> assertThat(run(id).admittedAt()).isNull());

        Ledger.Run lost = awaitRun(first, "FAILED", SystemCluster.LEASE_TIMEOUT.plusSeconds(20));
        assertThat(lost.errorSays("LOST")).as(lost.error()).isTrue();
        assertThat(profilePermits(profile)).doesNotContain(first);
        // a lease runs from the last heartbeat, at most one heartbeat interval (1 s) before the kill
        assertThat(lost.finishedAt()).isAfter(killedAt.plus(SystemCluster.LEASE_TIMEOUT).minusSeconds(2));
        // the permit that came back admits a waiting run right away, not only once the other holder ends
        Awaitility.await("a waiting run admitted after the lease expired").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> waiting.stream().anyMatch(id -> run(id).admittedAt() != null));

        cluster.heal();
        Invariants.Snapshot snapshot = awaitQuiet(Duration.ofMinutes(3));
        List<Ledger.Run> runs = snapshot.runs().stream().filter(r -> tasks.contains(r.taskName())).toList();
        List<UUID> victims = runs.stream().filter(r -> held.contains(r.runId()) && r.state().equals("FAILED"))
                .map(Ledger.Run::runId).toList();
        assertThat(victims).contains(first);
        assertThat(runs).filteredOn(r -> victims.contains(r.runId())).allSatisfy(r -> {
            assertThat(r.errorSays("LOST")).as(r.error()).isTrue();
            assertThat(r.claimedBy()).isEqualTo(victim.name());
        });
        // no waiting run was admitted before a permit came back, and the first came back at the lease expiry
        Ledger.Run firstEnded = runs.stream().filter(r -> held.contains(r.runId()))
                .min(Comparator.comparing(Ledger.Run::finishedAt)).orElseThrow();
        assertThat(victims).contains(firstEnded.runId());
        Instant firstRelease = firstEnded.finishedAt();
        Instant firstWaiterAdmitted = runs.stream().filter(r -> waiting.contains(r.runId()))
                .map(Ledger.Run::admittedAt).min(Comparator.naturalOrder()).orElseThrow();
        assertThat(firstWaiterAdmitted).isAfterOrEqualTo(firstRelease);
        // never more than the limit at once, and the limit was in use
        assertThat(Invariants.peakConcurrency(snapshot, tasks)).isEqualTo(LIMIT);
        // every run ended well, the lost ones through their retry
        assertThat(runs).allSatisfy(r -> assertThat(r.state()).as(r.runId() + " " + r.error())
                .isEqualTo(victims.contains(r.runId()) ? "FAILED" : "SUCCEEDED"));
        victims.forEach(id -> assertThat(runs).filteredOn(r -> id.equals(r.retryOf()))
                .singleElement().extracting(Ledger.Run::state).isEqualTo("SUCCEEDED"));
        // the lost runs' jobs never ran to their end anywhere, beside their retries: the killed worker's died with
        // it, and a copy delivered again to another worker after the crash is stopped once its start is rejected
        assertThat(victims).allSatisfy(id -> assertThat(cluster.effects().of(id)).as("effects of LOST run " + id)
                .noneMatch(Effects.Effect::isEnd));
        System.out.printf("contention: %d runs lost with %s; effects of the lost runs %s; their NOTEs %s%n",
                victims.size(), victim.name(), victims.stream().map(id -> cluster.effects().of(id)).toList(),
                snapshot.history().stream().filter(h -> victims.contains(h.runId()) && "NOTE".equals(h.kind()))
                        .map(Ledger.History::reason).toList());
        // no permit leaked
        assertThat(snapshot.permits()).extracting(Ledger.Permit::profile).doesNotContain(profile);
    }

    private List<UUID> profilePermits(String profile) {
        return cluster.ledger().permits().stream().filter(p -> p.profile().equals(profile))
                .map(Ledger.Permit::runId).toList();
    }

    /** The first of the runs seen RUNNING with a heartbeat. */
    private UUID awaitOneRunning(List<UUID> runIds) {
        return Awaitility.await("one of " + runIds + " running").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> runIds.stream().filter(id -> cluster.ledger().count("SELECT count(*) FROM"
                        + " dispatcher.task_run WHERE run_id = ? AND state = 'RUNNING'"
                        + " AND last_heartbeat_at IS NOT NULL", id) == 1).findFirst().orElse(null),
                        java.util.Objects::nonNull);
    }
}
