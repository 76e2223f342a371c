package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** A user asked to cancel a run; sent by the task-service to the dispatcher on {@code polysync.run-commands}. */
public record CancelRunRequested(UUID runId, UUID taskId, String requestedBy, Instant occurredAt) {
}
