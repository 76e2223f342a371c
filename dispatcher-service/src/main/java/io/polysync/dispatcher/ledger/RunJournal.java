package io.polysync.dispatcher.ledger;

import io.polysync.model.Topics;
import io.polysync.model.event.RunWaiting;
import io.polysync.model.run.RunState;
import io.polysync.runtime.outbox.Outbox;
import org.springframework.stereotype.Component;

import java.time.Instant;

/**
 * Writes a run's status history and, for transitions, the {@code RunStateChanged} it implies, through the outbox in
 * the caller's transaction: the ledger and the public lifecycle stream cannot diverge.
 */
@Component
public class RunJournal {

    private final HistoryWriter history;
    private final Outbox outbox;
    private final RunMetrics metrics;

    RunJournal(HistoryWriter history, Outbox outbox, RunMetrics metrics) {
        this.history = history;
        this.outbox = outbox;
        this.metrics = metrics;
    }

    /** Records that {@code run} was just created QUEUED; its event carries the run's effective parameters. */
    public void created(TaskRun run, String reason, Instant at) {
        record(run, null, reason, at, true);
    }

    /**
     * Records that the run just created failed before admission because its parameters broke the job's schema; the
     * event carries them, so whoever reads it sees what was refused.
     */
    public void refusedAtCreation(TaskRun run, String reason, Instant at) {
        record(run, RunState.QUEUED, reason, at, true);
    }

    /** Records that {@code run} just moved from {@code previous} to its current state. */
    public void transition(TaskRun run, RunState previous, String reason, Instant at) {
        record(run, previous, reason, at, false);
    }

    private void record(TaskRun run, RunState previous, String reason, Instant at, boolean withParameters) {
        history.append(HistoryEntry.transition(run.runId(), run.state(), reason, at));
        outbox.append(Topics.RUN_EVENTS, run.taskId().toString(),
                run.stateChanged(previous, reason, at, withParameters));
        metrics.transitioned(run, previous);
    }

    /**
     * Records why the queued {@code run} waits, and for which contention profile (null: its task's own limit): when
     * the reason is new, the run's waiting reason, a WAITING history row and a {@link RunWaiting} event; nothing but
     * the profile when it waits for the same reason as before.
     */
    public void waiting(TaskRun run, String reason, String profile, Instant at) {
        if (run.waitFor(reason, profile)) {
            history.append(HistoryEntry.waiting(run.runId(), reason, at));
            outbox.append(Topics.RUN_EVENTS, run.taskId().toString(),
                    new RunWaiting(run.runId(), run.taskId(), reason, at));
        }
    }

    public void note(TaskRun run, String reason, Instant at) {
        history.append(HistoryEntry.note(run.runId(), reason, at));
    }
}
