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

    public BandDispatch(DispatcherProperties properties, RunJournal journal, Outbox outbox) {
        this.properties = properties;
        this.journal = journal;
        this.outbox = outbox;
    }

    /**
     * @param task              the definition the run executes (its job type, platform and timeout travel with it)
     * @param effectivePriority its priority plus ageing at admission: it chooses the band and travels with the run
     * @param now               the admission instant, the same one the rate windows count
     */
    public void dispatch(TaskRun run, TaskSnapshot task, int effectivePriority, Instant now) {
        Band band = properties.band(effectivePriority);
        String topic = Topics.runs(band);
        run.admit(band, now);
        journal.note(run, "dispatched to " + topic + (effectivePriority != run.priority()
                ? " at effective priority " + effectivePriority : ""), now);
        outbox.append(topic, run.runId().toString(), new RunDispatched(run.runId(), run.taskId(), run.taskName(),
                run.attempt(), run.triggerType(), task.job().jobType(), task.job().platform(), run.parameters(),
                task.executionTimeoutSeconds(), effectivePriority, run.definitionVersion(), now));
    }
}
