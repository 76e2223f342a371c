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
 * @param parameters    the run's effective parameters (DESIGN.md section 10 rule 13), vault references unresolved:
 *                      only on the events that create the run (QUEUED, and FAILED when its parameters were refused
 *                      before admission), empty on the others to keep the lifecycle stream's payloads small
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
        Instant occurredAt,
        Map<String, Object> parameters) implements RunEvent {

    public RunStateChanged {
        outputs = outputs == null ? Map.of() : outputs;
        parameters = parameters == null ? Map.of() : parameters;
    }

    /** A transition that does not carry the run's parameters. */
    public RunStateChanged(UUID runId, UUID taskId, String taskName, TriggerType triggerType, int attempt,
                           UUID retryOf, RunState previousState, RunState state, String reason, RunError error,
                           Map<String, Object> outputs, String workerId, long definitionVersion, String requestedBy,
                           Instant scheduledFor, Instant queuedAt, Instant startedAt, Instant finishedAt,
                           Instant occurredAt) {
        this(runId, taskId, taskName, triggerType, attempt, retryOf, previousState, state, reason, error, outputs,
                workerId, definitionVersion, requestedBy, scheduledFor, queuedAt, startedAt, finishedAt, occurredAt,
                Map.of());
    }
}
