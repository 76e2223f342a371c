package io.polysync.dispatcher.ledger;

import io.polysync.model.Topics;
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

    private final StatusHistory history;
    private final Outbox outbox;

    public RunJournal(StatusHistory history, Outbox outbox) {
        this.history = history;
        this.outbox = outbox;
    }

    /** Records that {@code run} just moved from {@code previous} (null when it was created) to its current state. */
    public void transition(TaskRun run, RunState previous, String reason, Instant at) {
        history.save(HistoryEntry.transition(run.runId(), run.state(), reason, at));
        outbox.append(Topics.RUN_EVENTS, run.taskId().toString(), run.stateChanged(previous, reason, at));
    }

    public void note(TaskRun run, String reason, Instant at) {
        history.save(HistoryEntry.note(run.runId(), reason, at));
    }
}
