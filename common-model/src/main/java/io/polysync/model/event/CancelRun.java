package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/**
 * The dispatcher asks a worker to stop a run; on {@code polysync.worker-commands}. {@code workerId} names the worker
 * meant (the claim holder of a cancelled run, or a worker executing a run it does not hold); null means whichever
 * worker has the run (a queued run no worker claimed yet).
 */
public record CancelRun(UUID runId, UUID taskId, String workerId, Instant occurredAt) {
}
