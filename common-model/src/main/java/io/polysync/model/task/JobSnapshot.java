package io.polysync.model.task;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A Job with its Platform, embedded in every task snapshot so a run executes the definition it was triggered from. */
public record JobSnapshot(
        UUID jobId,
        String name,
        String jobType,
        Map<String, Object> parameterSchema,
        Map<String, Object> defaults,
        List<String> outputs,
        PlatformSnapshot platform) {

    public JobSnapshot {
        parameterSchema = parameterSchema == null ? Map.of() : parameterSchema;
        defaults = defaults == null ? Map.of() : defaults;
        outputs = outputs == null ? List.of() : outputs;
    }
}
