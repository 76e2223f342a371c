package io.polysync.task.run;

import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A run as the API shows it (DESIGN.md section 10 rule 4).
 *
 * @param parameters the effective parameters the run was created with, vault references unresolved; null when not
 *                   known (runs created before they were recorded, or with none)
 */
public record RunView(
        UUID runId,
        UUID taskId,
        String task,
        RunState state,
        TriggerType triggerType,
        int attempt,
        Instant queuedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant scheduledFor,
        Map<String, Object> outputs,
        RunError error,
        String requestedBy,
        UUID retryOf,
        UUID retriedBy,
        Instant nextRetryAt,
        String waitingReason,
        long definitionVersion,
        Map<String, Object> parameters) {

    static RunView of(TaskRun r) {
        return new RunView(r.runId(), r.taskId(), r.taskName(), r.state(), r.triggerType(), r.attempt(),
                r.queuedAt(), r.startedAt(), r.finishedAt(), r.scheduledFor(), r.outputs(), r.error(),
                r.requestedBy(), r.retryOf(), r.retriedBy(), r.nextRetryAt(), r.waitingReason(),
                r.definitionVersion(), r.parameters());
    }
}
