package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** A worker began executing the run; the first one claims the run for that worker. */
public record RunStarted(UUID runId, UUID taskId, String workerId, Instant occurredAt) implements WorkerReport {
}
