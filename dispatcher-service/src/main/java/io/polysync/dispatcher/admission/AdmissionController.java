package io.polysync.dispatcher.admission;

import io.polysync.dispatcher.ledger.RunAdmission;
import io.polysync.dispatcher.ledger.TaskRun;
import io.polysync.model.task.TaskSnapshot;
import org.springframework.stereotype.Component;

/**
 * Who may run now. No gate is enforced yet, so every queued run is admitted at once; this is the one place where
 * the per-task max concurrent runs and the contention profiles will be checked, all or nothing, before
 * {@link BandDispatch} sends a run on its way.
 */
@Component
public class AdmissionController implements RunAdmission {

    private final BandDispatch dispatch;

    public AdmissionController(BandDispatch dispatch) {
        this.dispatch = dispatch;
    }

    @Override
    public void queued(TaskRun run, TaskSnapshot task) {
        dispatch.dispatch(run, task);
    }
}
