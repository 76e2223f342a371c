package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.config.DispatcherProperties;
import io.polysync.dispatcher.ledger.RunJournal;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.model.Topics;
import io.polysync.model.event.RunDispatched;
import io.polysync.model.run.Band;
import io.polysync.model.task.TaskSnapshot;
import io.polysync.runtime.outbox.Outbox;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;

/**
 * Sends an admitted run to the work topic of its priority band, keyed by runId, through the outbox in the caller's
 * transaction: a run is marked admitted if and only if its {@link RunDispatched} will be published. The band is
 * chosen at admission (DESIGN.md section 10 rule 23), not when the run was queued.
 */
@Component
public class BandDispatch {

    private final DispatcherProperties properties;
    private final RunJournal journal;
    private final Outbox outbox;
    private final Clock clock;

    public BandDispatch(DispatcherProperties properties, RunJournal journal, Outbox outbox, Clock clock) {
        this.properties = properties;
        this.journal = journal;
        this.outbox = outbox;
        this.clock = clock;
    }

    /**
     * @param task the definition the run executes (its job type, platform and timeout travel with the run)
     */
    public void dispatch(TaskRun run, TaskSnapshot task) {
        Instant now = clock.instant();
        Band band = properties.band(run.priority());
        String topic = Topics.runs(band);
        run.admit(band, now);
        journal.note(run, "dispatched to " + topic, now);
        outbox.append(topic, run.runId().toString(), new RunDispatched(run.runId(), run.taskId(), run.taskName(),
                run.attempt(), run.triggerType(), task.job().jobType(), task.job().platform(), run.parameters(),
                task.executionTimeoutSeconds(), run.priority(), run.definitionVersion(), now));
    }
}
