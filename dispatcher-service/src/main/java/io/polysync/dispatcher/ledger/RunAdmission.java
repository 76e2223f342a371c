package io.polysync.dispatcher.ledger;

import io.polysync.model.task.TaskSnapshot;

import java.util.Collection;
import java.util.UUID;

/**
 * Decides when a queued run may start. The ledger calls it for every newly queued run, inside the transaction that
 * queued the run, so the run and its dispatch (or the record of why it waits) commit together.
 */
public interface RunAdmission {

    /**
     * Runs of these tasks are about to be queued one after the other in the caller's transaction: whatever admission
     * locks per task is locked now, for all of them in one order, so a transaction admitting several tasks' runs never
     * holds one task's lock while waiting for another's out of order.
     */
    void queuing(Collection<UUID> taskIds);

    /**
     * Either admits {@code run} now (dispatches it to its band topic) or leaves it QUEUED with a WAITING entry that
     * says what it waits for. Must be called inside a transaction.
     *
     * @param task the definition the run executes
     */
    void queued(TaskRun run, TaskSnapshot task);

    /**
     * {@code runs} just reached a terminal state (a report, a cancel, a lost lease): releases whatever they held, in
     * one go for a whole poll of reports, and once the caller's transaction commits, waiting runs are re-checked for
     * admission. Must be called inside the transaction that finished the runs.
     */
    void finished(Collection<TaskRun> runs);
}
