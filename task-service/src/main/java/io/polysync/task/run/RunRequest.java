package io.polysync.task.run;

import io.polysync.model.run.TriggerType;

import java.util.Map;

/**
 * A request for one run that the task-service accepts itself (MANUAL from the API, EXTERNAL from upstream systems).
 *
 * @param idempotencyKey the key the trigger id derives from (DESIGN.md section 10 rule 1): the caller's, or one the
 *                       caller's adapter drew because none was given
 * @param overrides      parameter values for this run only; they win over every other parameter value
 * @param requestedBy    recorded as the run's {@code requestedBy}
 */
public record RunRequest(String taskName, TriggerType triggerType, String idempotencyKey,
                         Map<String, Object> overrides, String requestedBy) {

    public RunRequest {
        overrides = overrides == null ? Map.of() : overrides;
    }
}
