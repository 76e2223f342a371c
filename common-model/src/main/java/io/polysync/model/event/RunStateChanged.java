package io.polysync.model.event;

import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * The canonical transition of a run, published by the dispatcher after its ledger committed it. It carries the
 * whole current view of the run, so a consumer can build its read model from this one event type.
 *
 * @param previousState null for the first event (the run was created QUEUED)
 * @param reason        why the transition happened, in words ("started by worker w-1", "cancelled by alice")
 * @param outputs       the job outputs, on SUCCEEDED
 * @param error         the error, on FAILED
 */
public record RunStateChanged(
        UUID runId,
        UUID taskId,
        String taskName,
        TriggerType triggerType,
        int attempt,
        UUID retryOf,
        RunState previousState,
        RunState state,
        String reason,
        RunError error,
        Map<String, Object> outputs,
        String workerId,
        long definitionVersion,
        String requestedBy,
        Instant scheduledFor,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant occurredAt) implements RunEvent {

    public RunStateChanged {
        outputs = outputs == null ? Map.of() : outputs;
    }
}
