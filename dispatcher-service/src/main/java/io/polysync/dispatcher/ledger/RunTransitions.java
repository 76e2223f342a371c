package io.polysync.dispatcher.ledger;

import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.model.event.RunCancelled;
import io.polysync.model.event.RunFailed;
import io.polysync.model.event.RunHeartbeat;
import io.polysync.model.event.RunStarted;
import io.polysync.model.event.RunSucceeded;
import io.polysync.model.event.WorkerReport;
import io.polysync.model.run.RunState;
import io.polysync.runtime.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Applies worker reports to the ledger as guarded transitions ({@link TransitionGuard}). The run row is locked for the
 * whole decision, so the state the guard judged is the state that gets changed.
 *
 * <p>Times: {@code started_at} and {@code finished_at} are when the worker says it happened; {@code last_heartbeat_at}
 * is when this dispatcher heard from it, because leases are judged on the dispatcher's clock.
 *
 * <p>A rejected {@code RunStarted}, or a heartbeat on a run another worker holds or that has ended, means a worker is
 * executing a run it must not (a repeated delivery after a worker crash or a rebalance, a run already cancelled, or
 * lost while that worker was frozen):
 * besides the NOTE, that worker is asked to stop it with a {@link CancelRun} addressed to it alone, so the rejected
 * attempt does not go on to take effect beside the claim holder or the retry (and a contention profile's permits
 * then count what really executes).
 */
@Service
public class RunTransitions {

    private static final Logger log = LoggerFactory.getLogger(RunTransitions.class);

    private final RunRows runs;
    private final RunJournal journal;
    private final RunAdmission admission;
    private final RunMetrics metrics;
    private final Outbox outbox;
    private final Clock clock;

    public RunTransitions(RunRows runs, RunJournal journal, RunAdmission admission, RunMetrics metrics,
                          Outbox outbox, Clock clock) {
        this.runs = runs;
        this.journal = journal;
        this.admission = admission;
        this.metrics = metrics;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Applies a batch of reports, in order, in one transaction, each as a guarded transition. Their runs are locked with
     * one query up front; reports on one run (a start, then its success) each see what the one before did, since
     * they judge the same run object. At the end, what the runs that finished held is released in one go, and the
     * runs that changed are written back together ({@link RunRows}). If any report fails, nothing of the batch is
     * kept.
     */
    @Transactional
    public void applyAll(List<WorkerReport> reports) {
        reports.forEach(RunTransitions::validate);
        Map<UUID, TaskRun> locked = new HashMap<>();
        for (TaskRun run : runs.lockAll(reports.stream().map(WorkerReport::runId).collect(Collectors.toSet()))) {
            locked.put(run.runId(), run);
        }
        Map<UUID, TaskRun> changed = new LinkedHashMap<>();
        List<TaskRun> finished = new ArrayList<>();
        for (WorkerReport report : reports) {
            TaskRun run = locked.get(report.runId());
            if (run == null) {
                // a run missing from the batch's lookup is looked for again: it may have been queued since
                Optional<TaskRun> found = runs.lock(report.runId());
                if (found.isEmpty()) {
                    log.warn("{} from worker {} names unknown run {} (task {}): skipped",
                            report.getClass().getSimpleName(), report.workerId(), report.runId(), report.taskId());
                    continue;
                }
                run = found.get();
                locked.put(run.runId(), run);
            }
            if (decide(report, run)) {
                changed.put(run.runId(), run);
                if (run.state().isTerminal()) {
                    finished.add(run);
                }
            }
        }
        admission.finished(finished);
        runs.writeReported(changed.values());
    }

    private static void validate(WorkerReport report) {
        if (report.runId() == null || report.workerId() == null || report.workerId().isBlank()) {
            throw new IllegalArgumentException("worker report without runId or workerId: " + report);
        }
    }

    /** Applies the guard's verdict on {@code report} to the locked {@code run}; true when the run's row changed. */
    private boolean decide(WorkerReport report, TaskRun run) {
        Instant now = clock.instant();
        Verdict verdict = TransitionGuard.judge(run.state(), run.claimedBy(), report);
        if (verdict instanceof Verdict.Transition transition) {
            RunState previous = run.state();
            move(run, report, occurredAt(report, now), now);
            journal.transition(run, previous, transition.reason(), now);
            log.debug("run {}: {} -> {} ({})", run.runId(), previous, run.state(), transition.reason());
            return true;
        } else if (verdict instanceof Verdict.Renewal) {
            run.heartbeat(now);
            return true;
        } else if (verdict instanceof Verdict.Rejected rejected) {
            journal.note(run, rejected.note(), now);
            metrics.rejected(rejected.reason());
            log.info("run {}: {}", run.runId(), rejected.note());
            if (report instanceof RunStarted) {
                stopUnclaimedExecution(run, report.workerId(), now);
            }
        } else if (verdict instanceof Verdict.Ignored ignored) {
            log.debug("run {}: ignored {}", run.runId(), ignored.why());
            if (report instanceof RunHeartbeat && (run.state().isTerminal()
                    || run.claimedBy() != null && !run.claimedBy().equals(report.workerId()))) {
                // still executing a run that ended without it, e.g. failed LOST while this worker was frozen
                stopUnclaimedExecution(run, report.workerId(), now);
            }
        }
        return false;
    }

    /**
     * A worker that started or still runs a run it does not hold (another worker claimed it, or it was failed LOST
     * while this worker was paused or cut off) is told to stop, so a job's effects are not repeated for longer than
     * it takes the command to arrive. Addressed to that worker only: the claim holder, if any, carries on.
     */
    private void stopUnclaimedExecution(TaskRun run, String workerId, Instant now) {
        outbox.append(Topics.WORKER_COMMANDS, run.runId().toString(),
                new CancelRun(run.runId(), run.taskId(), workerId, now));
    }

    private static void move(TaskRun run, WorkerReport report, Instant at, Instant now) {
        if (report instanceof RunStarted) {
            run.start(report.workerId(), at, now);
        } else if (report instanceof RunSucceeded succeeded) {
            run.succeed(report.workerId(), succeeded.outputs(), at);
        } else if (report instanceof RunFailed failed) {
            run.fail(report.workerId(), TransitionGuard.errorOf(failed), at);
        } else if (report instanceof RunCancelled) {
            run.cancel(report.workerId(), at);
        } else {
            throw new IllegalStateException("no transition for " + report.getClass().getSimpleName());
        }
    }

    private static Instant occurredAt(WorkerReport report, Instant now) {
        return report.occurredAt() != null ? report.occurredAt() : now;
    }
}
