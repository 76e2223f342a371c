package io.polysync.worker.execution;

import io.polysync.model.event.WorkerReport;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The attempts whose jobs this worker ran to the end, so that a run delivered again is not executed a second time.
 * A run comes again when its reports were not acknowledged in time (the slot has it delivered again) and when its
 * {@code RunDispatched} was published twice (an outbox that could not tell whether its send reached a broker that
 * went away sends it again; its delivery is at least once). Under a broker crash the job ran twice on the same
 * worker, and only the dispatcher's fencing kept the ledger right; the first case was seen in the worker's log.
 * Thread-safe; bounded, oldest forgotten first.
 *
 * <p>An attempt keeps its reports only until the broker acknowledged them all; then only its id is kept, so a long
 * memory costs little. Redelivered, an unacknowledged attempt has its reports sent again, in their order and with
 * their original times; an acknowledged one is only acknowledged again.
 */
final class FinishedAttempts {

    private final Map<UUID, Finished> finished;

    FinishedAttempts(int remembered) {
        this.finished = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Finished> eldest) {
                return size() > remembered;
            }
        };
    }

    /** Remembers that the attempt's job ended and these reports tell it, start first. */
    synchronized Finished add(UUID runId, int attempt, List<WorkerReport> reports) {
        Finished attemptFinished = new Finished(attempt, reports);
        finished.put(runId, attemptFinished);
        return attemptFinished;
    }

    /** The attempt if its job already ended here, else null. */
    synchronized Finished find(UUID runId, int attempt) {
        Finished attemptFinished = finished.get(runId);
        return attemptFinished != null && attemptFinished.attempt == attempt ? attemptFinished : null;
    }

    /** One attempt that ended here, and the reports of it the broker has not acknowledged yet. */
    static final class Finished {

        private final int attempt;
        private volatile List<WorkerReport> unacknowledged;

        private Finished(int attempt, List<WorkerReport> reports) {
            this.attempt = attempt;
            this.unacknowledged = List.copyOf(reports);
        }

        /** The reports to send again; empty once the broker acknowledged them all. */
        List<WorkerReport> unacknowledged() {
            return unacknowledged;
        }

        /** Drops the reports (and the outputs they carry): the broker has them. */
        void acknowledged() {
            unacknowledged = List.of();
        }
    }
}
