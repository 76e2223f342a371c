package io.polysync.model.event;

import io.polysync.model.run.TriggerType;
import io.polysync.model.task.PlatformSnapshot;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * An admitted run, published to the work topic of its priority band. Parameters are the effective values (DESIGN.md
 * section 10 rule 13) with vault references still unresolved: the worker resolves them at execution time.
 */
public record RunDispatched(
        UUID runId,
        UUID taskId,
        String taskName,
        int attempt,
        TriggerType triggerType,
        String jobType,
        PlatformSnapshot platform,
        Map<String, Object> parameters,
        Long executionTimeoutSeconds,
        int priority,
        long definitionVersion,
        Instant occurredAt) {

    public RunDispatched {
        parameters = parameters == null ? Map.of() : parameters;
    }
}
