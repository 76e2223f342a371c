package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** The worker still holds the run; renews its lease. */
public record RunHeartbeat(UUID runId, UUID taskId, String workerId, Instant occurredAt) implements WorkerReport {
}
