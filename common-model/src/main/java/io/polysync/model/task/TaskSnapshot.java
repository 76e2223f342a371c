package io.polysync.model.task;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A task as it was at one definition version, with its Job and Platform embedded (DESIGN.md section 10 rule 11).
 * Parameter values are literals or {@code vault://<vault>/<secret>} references, never resolved secrets.
 * {@code contentionProfiles} names the linked profiles; {@code profiles} carries their limits as last saved.
 */
public record TaskSnapshot(
        UUID taskId,
        String name,
        long definitionVersion,
        JobSnapshot job,
        Map<String, Object> parameters,
        List<DependencySnapshot> dependencies,
        List<ScheduleSnapshot> schedules,
        MisfirePolicy misfirePolicy,
        Integer catchUpLimit,
        int priority,
        RetryPolicy retry,
        Long executionTimeoutSeconds,
        Integer maxConcurrentRuns,
        List<String> contentionProfiles,
        List<ContentionProfileSnapshot> profiles) {

    public static final int DEFAULT_PRIORITY = 50;

    public TaskSnapshot {
        parameters = parameters == null ? Map.of() : parameters;
        dependencies = dependencies == null ? List.of() : dependencies;
        schedules = schedules == null ? List.of() : schedules;
        misfirePolicy = misfirePolicy == null ? MisfirePolicy.FIRE_ONCE : misfirePolicy;
        retry = retry == null ? RetryPolicy.NONE : retry;
        contentionProfiles = contentionProfiles == null ? List.of() : contentionProfiles;
        profiles = profiles == null ? List.of() : profiles;
    }
}
