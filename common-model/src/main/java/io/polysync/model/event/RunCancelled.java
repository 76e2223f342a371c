package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** The worker stopped the run because it was asked to cancel it. */
public record RunCancelled(UUID runId, UUID taskId, String workerId, String reason, Instant occurredAt)
        implements WorkerReport {
}
