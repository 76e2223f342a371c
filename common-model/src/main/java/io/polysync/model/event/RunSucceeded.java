package io.polysync.model.event;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The job finished successfully with these outputs (secret values already masked). */
public record RunSucceeded(UUID runId, UUID taskId, String workerId, Map<String, Object> outputs, Instant occurredAt)
        implements WorkerReport {

    public RunSucceeded {
        outputs = outputs == null ? Map.of() : outputs;
    }
}
