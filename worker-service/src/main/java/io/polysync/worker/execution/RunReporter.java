package io.polysync.worker.execution;

import io.polysync.model.event.WorkerReport;

import java.util.concurrent.CompletableFuture;

/** Tells the dispatcher what happened to a run. Implementations keep reports of one task in order. */
public interface RunReporter {

    /**
     * Sends the report and returns only once it is durably accepted, so the caller may act on it (start the job,
     * acknowledge the run).
     *
     * @throws ReportNotDeliveredException when it could not be delivered in time; it may still arrive later
     */
    void report(WorkerReport report) throws InterruptedException;

    /**
     * Sends the report without waiting for it. The future completes once the report is durably accepted, or
     * exceptionally with {@link ReportNotDeliveredException} when it was not within the report timeout (it may still
     * arrive later). Reports sent after it for the same task are never accepted before it.
     */
    CompletableFuture<Void> send(WorkerReport report);

    /** Sends the report without waiting; used for heartbeats, where a lost one is made up by the next. */
    void reportLater(WorkerReport report);
}
