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

import java.util.Objects;

/**
 * Claims and fencing (DESIGN.md section 10 rule 6) as a pure decision over a run's state, its claim holder and one
 * worker report. Guarantees:
 * <ul>
 *   <li>the first {@link RunStarted} on a QUEUED run claims it; a repeated start from the claim holder is ignored;</li>
 *   <li>an outcome report moves a RUNNING run only when it comes from the claim holder, and a QUEUED run not yet
 *       claimed by anyone (the reporting worker then holds the claim);</li>
 *   <li>terminal states are absorbing: any start or outcome report on a finished run is rejected, so the first
 *       terminal report wins;</li>
 *   <li>a report from a worker other than the claim holder is rejected;</li>
 *   <li>heartbeats renew only the claim holder's running run and are otherwise ignored, never recorded.</li>
 * </ul>
 */
public final class TransitionGuard {

    private TransitionGuard() {
    }

    public static Verdict judge(RunState state, String claimedBy, WorkerReport report) {
        Objects.requireNonNull(state, "state");
        String worker = Objects.requireNonNull(report.workerId(), "report.workerId");
        boolean holder = worker.equals(claimedBy);

        if (report instanceof RunHeartbeat) {
            return state == RunState.RUNNING && holder
                    ? new Verdict.Renewal()
                    : new Verdict.Ignored("heartbeat from worker " + worker + " on a " + state + " run"
                            + (claimedBy == null ? "" : " claimed by " + claimedBy));
        }
        if (state.isTerminal()) {
            return rejected(report, Verdict.RejectReason.RUN_FINISHED, "run is already " + state);
        }
        if (claimedBy != null && !holder) {
            return rejected(report, Verdict.RejectReason.NOT_CLAIM_HOLDER, "run is claimed by " + claimedBy);
        }
        if (report instanceof RunStarted) {
            return state == RunState.QUEUED
                    ? new Verdict.Transition(RunState.RUNNING, "started by worker " + worker)
                    : new Verdict.Ignored("worker " + worker + " already started this run");
        }
        if (report instanceof RunSucceeded) {
            return new Verdict.Transition(RunState.SUCCEEDED, "succeeded on worker " + worker);
        }
        if (report instanceof RunFailed failed) {
            RunError error = errorOf(failed);
            return new Verdict.Transition(RunState.FAILED,
                    "failed on worker " + worker + ": " + error.reason() + ": " + error.message());
        }
        if (report instanceof RunCancelled cancelled) {
            return new Verdict.Transition(RunState.CANCELLED, "cancelled on worker " + worker
                    + (cancelled.reason() == null || cancelled.reason().isBlank() ? "" : ": " + cancelled.reason()));
        }
        throw new IllegalArgumentException("unknown worker report " + report.getClass().getName());
    }

    /** The error a failure report carries; a worker that sent none still produced a retryable execution failure. */
    static RunError errorOf(RunFailed failed) {
        return failed.error() != null ? failed.error()
                : RunError.retryable(FailureReason.EXECUTION_FAILED, "the worker reported no error details");
    }

    private static Verdict rejected(WorkerReport report, Verdict.RejectReason reason, String why) {
        return new Verdict.Rejected(reason, "rejected " + report.getClass().getSimpleName() + " from worker "
                + report.workerId() + ": " + why);
    }
}
