package io.polysync.dispatcher.ledger;

import io.polysync.model.Topics;
import io.polysync.model.event.CancelRun;
import io.polysync.model.event.CancelRunRequested;
import io.polysync.model.run.RunState;
import io.polysync.runtime.outbox.Outbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Cancel requests (DESIGN.md section 10 rule 7). A QUEUED run, admitted or not, becomes CANCELLED at once and frees
 * what it held; a {@link CancelRun} still goes out in case a worker already took it. A RUNNING run gets a NOTE and a
 * {@link CancelRun} to its claim holder and stays RUNNING until a terminal report (the first one wins) or its lease
 * expires. A finished run is left alone, with a NOTE. Everything in one transaction, events through the outbox.
 */
@Service
public class RunCancellation {

    private static final Logger log = LoggerFactory.getLogger(RunCancellation.class);

    private final TaskRunRepository runs;
    private final RunJournal journal;
    private final RunAdmission admission;
    private final Outbox outbox;
    private final Clock clock;

    public RunCancellation(TaskRunRepository runs, RunJournal journal, RunAdmission admission, Outbox outbox,
                           Clock clock) {
        this.runs = runs;
        this.journal = journal;
        this.admission = admission;
        this.outbox = outbox;
        this.clock = clock;
    }

    @Transactional
    public void requested(CancelRunRequested request) {
        if (request.runId() == null) {
            throw new IllegalArgumentException("CancelRunRequested without runId: " + request);
        }
        Optional<TaskRun> found = runs.findForUpdate(request.runId());
        if (found.isEmpty()) {
            log.warn("cancel of unknown run {} (task {}) skipped", request.runId(), request.taskId());
            return;
        }
        TaskRun run = found.get();
        Instant now = clock.instant();
        String by = request.requestedBy() == null || request.requestedBy().isBlank()
                ? "an unnamed user" : request.requestedBy();
        if (run.state() == RunState.QUEUED) {
            run.cancel(null, now);
            journal.transition(run, RunState.QUEUED, "cancelled by " + by, now);
            admission.finished(List.of(run));
            askWorker(run, now);
            log.info("run {} of task {} cancelled while queued by {}", run.runId(), run.taskName(), by);
        } else if (run.state() == RunState.RUNNING) {
            journal.note(run, "cancel requested by " + by, now);
            askWorker(run, now);
            log.info("run {} of task {}: cancel requested by {}, asking worker {}", run.runId(), run.taskName(), by,
                    run.claimedBy());
        } else {
            journal.note(run, "cancel of a finished run ignored", now);
        }
    }

    private void askWorker(TaskRun run, Instant now) {
        outbox.append(Topics.WORKER_COMMANDS, run.runId().toString(),
                new CancelRun(run.runId(), run.taskId(), run.claimedBy(), now));
    }
}
