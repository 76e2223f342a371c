package io.polysync.model.event;

import io.polysync.model.run.RunError;

import java.time.Instant;
import java.util.UUID;

/** The job failed; {@code error.retryable()} says whether the retry policy may try again. */
public record RunFailed(UUID runId, UUID taskId, String workerId, RunError error, Instant occurredAt)
        implements WorkerReport {
}
