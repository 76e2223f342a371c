package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** The dispatcher asks whichever worker holds the run to stop it; on {@code polysync.worker-commands}. */
public record CancelRun(UUID runId, UUID taskId, String workerId, Instant occurredAt) {
}
