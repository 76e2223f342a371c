package io.polysync.systemtest.harness;

import io.polysync.systemtest.harness.Effects.Effect;
import io.polysync.systemtest.harness.Ledger.History;
import io.polysync.systemtest.harness.Ledger.Permit;
import io.polysync.systemtest.harness.Ledger.ReadModelRun;
import io.polysync.systemtest.harness.Ledger.Run;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The checker must be able to fail: each check is shown a history that breaks its promise, and one that keeps it. */
class InvariantsTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private final UUID trigger = UUID.randomUUID();
    private final UUID runId = UUID.randomUUID();

    private Run run(UUID id, UUID triggerId, String state, String claimedBy, UUID retryOf, int attempt) {
        return new Run(id, triggerId, "t", "MANUAL", attempt, retryOf, state, claimedBy, T0, T0.plusMillis(10),
                T0.plusMillis(20), Ledger.TERMINAL.contains(state) ? T0.plusSeconds(1) : null, null);
    }

    private static History transition(UUID runId, String state, int second) {
        return new History(runId, "TRANSITION", state, "", T0.plusSeconds(second));
    }

    private static String trigger(UUID triggerId, UUID runId) {
        return "{\"triggerId\":\"" + triggerId + "\",\"runId\":\"" + runId + "\",\"taskName\":\"t\"}";
    }

    private static String stateChanged(UUID runId, String state) {
        return "{\"runId\":\"" + runId + "\",\"state\":\"" + state + "\"}";
    }

    /** One run that did everything right. */
    private Invariants.Snapshot healthy() {
        return new Invariants.Snapshot(
                List.of(run(runId, trigger, "SUCCEEDED", "worker-1", null, 1)),
                List.of(transition(runId, "QUEUED", 0), transition(runId, "RUNNING", 1),
                        transition(runId, "SUCCEEDED", 2)),
                List.of(new ReadModelRun(runId, "SUCCEEDED")),
                List.of(),
                List.of(trigger(trigger, runId), trigger(trigger, runId), "not json"),
                List.of(stateChanged(runId, "RUNNING"), stateChanged(runId, "SUCCEEDED"),
                        stateChanged(runId, "SUCCEEDED")),
                List.of(new Effect("start", runId, 1, "worker-1"), new Effect("end", runId, 1, "worker-1")));
    }

    @Test
    void aHealthyHistoryWithDuplicatesAndPoisonKeepsEveryPromise() {
        assertThat(Invariants.all(healthy(), Set.of(runId))).isEmpty();
    }

    @Test
    void aTriggerWithoutItsRunIsLost() {
        Invariants.Snapshot s = healthy();
        UUID lost = UUID.randomUUID();
        List<String> triggers = new ArrayList<>(s.triggerRecords());
        triggers.add(trigger(lost, UUID.randomUUID()));
        s = new Invariants.Snapshot(s.runs(), s.history(), s.readModel(), s.permits(), triggers, s.runEventRecords(),
                s.effects());
        assertThat(Invariants.everyTriggerMadeExactlyOneRun(s)).singleElement().asString().contains(lost.toString());
    }

    @Test
    void anAcceptedRunMissingFromTheLedgerIsLost() {
        UUID missing = UUID.randomUUID();
        assertThat(Invariants.acceptedRunsExist(healthy(), Set.of(runId, missing))).singleElement().asString()
                .contains(missing.toString());
    }

    @Test
    void aRunThatNeverEndedOrEndedTwiceIsCaught() {
        Invariants.Snapshot s = healthy();
        Invariants.Snapshot running = new Invariants.Snapshot(List.of(run(runId, trigger, "RUNNING", "worker-1", null, 1)),
                s.history().subList(0, 2), s.readModel(), s.permits(), s.triggerRecords(), s.runEventRecords(),
                s.effects());
        assertThat(Invariants.everyRunEndedOnce(running)).singleElement().asString().contains("never ended");

        List<History> twice = new ArrayList<>(s.history());
        twice.add(transition(runId, "FAILED", 3));
        Invariants.Snapshot endedTwice = new Invariants.Snapshot(s.runs(), twice, s.readModel(), s.permits(),
                s.triggerRecords(), s.runEventRecords(), s.effects());
        assertThat(Invariants.everyRunEndedOnce(endedTwice)).singleElement().asString().contains("2 terminal");
        assertThat(Invariants.transitionsAreMonotonic(endedTwice)).singleElement().asString()
                .contains("SUCCEEDED -> FAILED");
    }

    @Test
    void aReadModelOrEventThatDisagreesWithTheLedgerIsCaught() {
        Invariants.Snapshot s = healthy();
        Invariants.Snapshot stale = new Invariants.Snapshot(s.runs(), s.history(),
                List.of(new ReadModelRun(runId, "RUNNING")), s.permits(), s.triggerRecords(), s.runEventRecords(),
                s.effects());
        assertThat(Invariants.readModelAgrees(stale)).hasSize(1);

        List<String> events = new ArrayList<>(s.runEventRecords());
        events.add(stateChanged(runId, "CANCELLED"));
        Invariants.Snapshot contradicting = new Invariants.Snapshot(s.runs(), s.history(), s.readModel(),
                s.permits(), s.triggerRecords(), events, s.effects());
        assertThat(Invariants.runEventsAgree(contradicting)).hasSize(1);
    }

    @Test
    void aPermitHeldByAFinishedRunHasLeaked() {
        Invariants.Snapshot s = healthy();
        Invariants.Snapshot leaked = new Invariants.Snapshot(s.runs(), s.history(), s.readModel(),
                List.of(new Permit("db", runId)), s.triggerRecords(), s.runEventRecords(), s.effects());
        assertThat(Invariants.noPermitHeldByAFinishedRun(leaked)).hasSize(1);
    }

    @Test
    void aSucceededRunExecutedTwiceOrByAnotherWorkerIsCaught() {
        Invariants.Snapshot s = healthy();
        List<Effect> twice = new ArrayList<>(s.effects());
        twice.add(new Effect("end", runId, 1, "worker-2"));
        Invariants.Snapshot doubled = new Invariants.Snapshot(s.runs(), s.history(), s.readModel(), s.permits(),
                s.triggerRecords(), s.runEventRecords(), twice);
        assertThat(Invariants.succeededRunsRanOnceByTheirClaimant(doubled)).hasSize(1);

        Invariants.Snapshot elsewhere = new Invariants.Snapshot(s.runs(), s.history(), s.readModel(), s.permits(),
                s.triggerRecords(), s.runEventRecords(), List.of(new Effect("end", runId, 1, "worker-2")));
        assertThat(Invariants.succeededRunsRanOnceByTheirClaimant(elsewhere)).hasSize(1);
    }

    @Test
    void aRunRetriedTwiceOrARetryOfASuccessIsCaught() {
        UUID failed = UUID.randomUUID();
        List<Run> runs = List.of(run(failed, UUID.randomUUID(), "FAILED", "worker-1", null, 1),
                run(UUID.randomUUID(), UUID.randomUUID(), "SUCCEEDED", "worker-1", failed, 2),
                run(UUID.randomUUID(), UUID.randomUUID(), "SUCCEEDED", "worker-2", failed, 2),
                run(UUID.randomUUID(), UUID.randomUUID(), "SUCCEEDED", "worker-2", runId, 2),
                run(runId, trigger, "SUCCEEDED", "worker-1", null, 1));
        Invariants.Snapshot s = new Invariants.Snapshot(runs, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        assertThat(Invariants.retriesFollowFailuresOnce(s)).hasSize(2)
                .anySatisfy(v -> assertThat(v).contains("retried 2 times"))
                .anySatisfy(v -> assertThat(v).contains("retried but is SUCCEEDED"));
    }

    @Test
    void peakConcurrencyCountsOverlapsAndNotRunsThatMerelyTouch() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        List<Run> runs = List.of(
                new Run(a, UUID.randomUUID(), "t", "MANUAL", 1, null, "SUCCEEDED", "w", T0, T0, T0, T0.plusSeconds(2), null),
                // admitted at the instant a finished: a handover, not an overlap
                new Run(b, UUID.randomUUID(), "t", "MANUAL", 1, null, "SUCCEEDED", "w", T0, T0.plusSeconds(2),
                        T0.plusSeconds(2), T0.plusSeconds(4), null),
                new Run(c, UUID.randomUUID(), "t", "MANUAL", 1, null, "SUCCEEDED", "w", T0, T0.plusSeconds(3),
                        T0.plusSeconds(3), T0.plusSeconds(5), null));
        Invariants.Snapshot s = new Invariants.Snapshot(runs, List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of());
        assertThat(Invariants.peakConcurrency(s, Set.of("t"))).isEqualTo(2);
        assertThat(Invariants.peakConcurrency(s, Set.of("other"))).isZero();
    }
}
