package io.polysync.task.run;

import io.polysync.model.Topics;
import io.polysync.model.event.CancelRunRequested;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.task.api.ConflictException;
import io.polysync.task.api.NotFoundException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Cancel through the API (DESIGN.md section 10 rule 7). The task-service only asks: it sends
 * {@link CancelRunRequested} to the dispatcher, which owns the run's state and decides (a queued run ends at once,
 * a running one through its worker, the first terminal report wins). The request and its NOTE in the history are
 * written in one transaction, so a recorded request is always sent and a sent one always recorded.
 */
@Service
public class RunCancellation {

    private final TaskRunRepository runs;
    private final RunHistoryRepository history;
    private final Outbox outbox;
    private final Clock clock;

    public RunCancellation(TaskRunRepository runs, RunHistoryRepository history, Outbox outbox, Clock clock) {
        this.runs = runs;
        this.history = history;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * Asks the dispatcher to cancel the run on behalf of {@code requestedBy}; answers the run's state as the read
     * model knows it now.
     *
     * @throws NotFoundException for a run the read model does not know
     * @throws ConflictException for a run the read model already shows finished
     */
    @Transactional
    public RunAccepted cancel(UUID runId, String requestedBy) {
        TaskRun run = runs.findById(runId)
                .orElseThrow(() -> new NotFoundException("runId", "no run with id " + runId));
        if (run.state().isTerminal()) {
            throw new ConflictException("runId", "run " + runId + " is already " + run.state()
                    + "; only a QUEUED or RUNNING run can be cancelled");
        }
        Instant now = clock.instant();
        outbox.append(Topics.RUN_COMMANDS, run.taskId().toString(),
                new CancelRunRequested(runId, run.taskId(), requestedBy, now));
        history.save(RunHistoryEntry.note(runId, "cancel requested by " + requestedBy, now));
        return new RunAccepted(runId, run.state());
    }
}
