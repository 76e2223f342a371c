package io.polysync.dispatcher.ledger;

import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class TransitionGuardTest {

    private static final UUID RUN = UUID.randomUUID();
    private static final UUID TASK = UUID.randomUUID();
    private static final Instant AT = Instant.parse("2026-11-28T10:00:00Z");

    private static RunStarted started(String worker) {
        return new RunStarted(RUN, TASK, worker, AT);
    }

    private static RunHeartbeat heartbeat(String worker) {
        return new RunHeartbeat(RUN, TASK, worker, AT);
    }

    private static RunSucceeded succeeded(String worker) {
        return new RunSucceeded(RUN, TASK, worker, Map.of("status", 200), AT);
    }

    private static RunFailed failed(String worker) {
        return new RunFailed(RUN, TASK, worker, new RunError(FailureReason.EXECUTION_FAILED, "exit 3", true), AT);
    }

    private static RunCancelled cancelled(String worker) {
        return new RunCancelled(RUN, TASK, worker, "cancel requested by alice", AT);
    }

    @Test
    void firstStartOfAQueuedRunMovesItToRunning() {
        assertThat(TransitionGuard.judge(RunState.QUEUED, null, started("w-1")))
                .isEqualTo(new Verdict.Transition(RunState.RUNNING, "started by worker w-1"));
    }

    @Test
    void repeatedStartFromTheClaimHolderIsIgnored() {
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", started("w-1"))).isInstanceOf(Verdict.Ignored.class);
    }

    @Test
    void startFromAnotherWorkerIsRejectedNamingTheClaimHolder() {
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", started("w-2")))
                .isEqualTo(new Verdict.Rejected(Verdict.RejectReason.NOT_CLAIM_HOLDER,
                        "rejected RunStarted from worker w-2: run is claimed by w-1"));
    }

    @Test
    void outcomesFromTheClaimHolderOfARunningRunAreAccepted() {
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", succeeded("w-1")))
                .isEqualTo(new Verdict.Transition(RunState.SUCCEEDED, "succeeded on worker w-1"));
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", failed("w-1")))
                .isEqualTo(new Verdict.Transition(RunState.FAILED, "failed on worker w-1: EXECUTION_FAILED: exit 3"));
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", cancelled("w-1")))
                .isEqualTo(new Verdict.Transition(RunState.CANCELLED,
                        "cancelled on worker w-1: cancel requested by alice"));
    }

    @Test
    void outcomeOnAnUnclaimedQueuedRunIsAccepted() {
        assertThat(TransitionGuard.judge(RunState.QUEUED, null, failed("w-1")))
                .isEqualTo(new Verdict.Transition(RunState.FAILED, "failed on worker w-1: EXECUTION_FAILED: exit 3"));
        assertThat(TransitionGuard.judge(RunState.QUEUED, null, succeeded("w-1")))
                .isInstanceOf(Verdict.Transition.class);
    }

    @Test
    void outcomeFromAnotherWorkerIsRejected() {
        for (WorkerReport report : List.of(succeeded("w-2"), failed("w-2"), cancelled("w-2"))) {
            assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", report))
                    .isEqualTo(new Verdict.Rejected(Verdict.RejectReason.NOT_CLAIM_HOLDER, "rejected "
                            + report.getClass().getSimpleName() + " from worker w-2: run is claimed by w-1"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = RunState.class, names = {"SUCCEEDED", "FAILED", "CANCELLED"})
    void everyStartOrOutcomeOnAFinishedRunIsRejectedEvenFromTheClaimHolder(RunState terminal) {
        for (WorkerReport report : List.of(started("w-1"), succeeded("w-1"), failed("w-1"), cancelled("w-1"),
                started("w-2"), failed("w-2"))) {
            assertThat(TransitionGuard.judge(terminal, "w-1", report))
                    .isEqualTo(new Verdict.Rejected(Verdict.RejectReason.RUN_FINISHED, "rejected "
                            + report.getClass().getSimpleName() + " from worker " + report.workerId()
                            + ": run is already " + terminal));
        }
    }

    @Test
    void finishedRunWithoutClaimRejectsLateReports() {
        assertThat(TransitionGuard.judge(RunState.CANCELLED, null, started("w-1")))
                .isEqualTo(new Verdict.Rejected(Verdict.RejectReason.RUN_FINISHED,
                        "rejected RunStarted from worker w-1: run is already CANCELLED"));
    }

    @Test
    void heartbeatFromTheClaimHolderOfARunningRunRenewsItsLease() {
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", heartbeat("w-1"))).isEqualTo(new Verdict.Renewal());
    }

    @ParameterizedTest
    @EnumSource(RunState.class)
    void heartbeatsFromAnyoneElseOrInAnyOtherStateAreIgnoredNotRecorded(RunState state) {
        assertThat(TransitionGuard.judge(state, "w-1", heartbeat("w-2"))).isInstanceOf(Verdict.Ignored.class);
        if (state != RunState.RUNNING) {
            assertThat(TransitionGuard.judge(state, "w-1", heartbeat("w-1"))).isInstanceOf(Verdict.Ignored.class);
            assertThat(TransitionGuard.judge(state, null, heartbeat("w-1"))).isInstanceOf(Verdict.Ignored.class);
        }
    }

    @Test
    void failureWithoutErrorDetailsIsARetryableExecutionFailure() {
        RunFailed bare = new RunFailed(RUN, TASK, "w-1", null, AT);
        assertThat(TransitionGuard.judge(RunState.RUNNING, "w-1", bare))
                .isEqualTo(new Verdict.Transition(RunState.FAILED,
                        "failed on worker w-1: EXECUTION_FAILED: the worker reported no error details"));
        assertThat(TransitionGuard.errorOf(bare).retryable()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(RunState.class)
    void everyAcceptedTransitionIsOneTheStateMachineAllows(RunState state) {
        for (String claim : new String[] {null, "w-1"}) {
            for (WorkerReport report : List.of(started("w-1"), succeeded("w-1"), failed("w-1"), cancelled("w-1"),
                    started("w-2"), succeeded("w-2"))) {
                if (TransitionGuard.judge(state, claim, report) instanceof Verdict.Transition transition) {
                    assertThat(state.canMoveTo(transition.next()))
                            .as("%s on %s claimed by %s", report.getClass().getSimpleName(), state, claim).isTrue();
                }
            }
        }
    }
}
