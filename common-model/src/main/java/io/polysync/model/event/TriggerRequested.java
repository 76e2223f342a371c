package io.polysync.model.event;

import io.polysync.model.run.TriggerType;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A request for exactly one TaskRun. {@code triggerId} is the dedup key and {@code runId} is derived from it
 * ({@link io.polysync.model.id.Ids}), so publishing it twice still makes one run.
 *
 * @param mappedInputs      parent outputs mapped into this task's inputs (DEPENDENCY triggers, or the latest
 *                          successful parent runs for other triggers)
 * @param overrides         parameter values given with the trigger itself; they win over everything else
 * @param attempt           1 for a first attempt, n + 1 for the retry of attempt n
 * @param retryOf           the run this one retries, for RETRY triggers
 * @param definitionVersion the task definition version the run must execute
 * @param scheduledFor      the fire instant, for SCHEDULE triggers
 * @param parentSucceededAt for DEPENDENCY triggers, when the parent run whose success completed the fan-in finished
 *                          (the start of the dependency hand-off the dispatcher measures); null otherwise
 */
public record TriggerRequested(
        UUID triggerId,
        UUID runId,
        UUID taskId,
        String taskName,
        TriggerType triggerType,
        Map<String, Object> mappedInputs,
        Map<String, Object> overrides,
        int attempt,
        UUID retryOf,
        long definitionVersion,
        String requestedBy,
        Instant scheduledFor,
        Instant occurredAt,
        Instant parentSucceededAt) {

    public TriggerRequested {
        mappedInputs = mappedInputs == null ? Map.of() : mappedInputs;
        overrides = overrides == null ? Map.of() : overrides;
    }

    /** A trigger that is not a dependency hand-off. */
    public TriggerRequested(UUID triggerId, UUID runId, UUID taskId, String taskName, TriggerType triggerType,
                            Map<String, Object> mappedInputs, Map<String, Object> overrides, int attempt,
                            UUID retryOf, long definitionVersion, String requestedBy, Instant scheduledFor,
                            Instant occurredAt) {
        this(triggerId, runId, taskId, taskName, triggerType, mappedInputs, overrides, attempt, retryOf,
                definitionVersion, requestedBy, scheduledFor, occurredAt, null);
    }
}
