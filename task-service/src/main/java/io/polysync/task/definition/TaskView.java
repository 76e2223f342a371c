package io.polysync.task.definition;

import io.polysync.model.task.DependencySnapshot;
import io.polysync.model.task.MisfirePolicy;
import io.polysync.model.task.OutputMapping;
import io.polysync.model.task.RetryPolicy;
import io.polysync.model.task.ScheduleSnapshot;
import io.polysync.model.task.TaskSnapshot;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A task as the API shows it: the request's fields with defaults applied, plus its identity and version. */
public record TaskView(
        UUID id,
        String name,
        String job,
        String platform,
        String jobType,
        Map<String, Object> parameters,
        List<Dependency> dependencies,
        List<Schedule> schedules,
        MisfirePolicy misfirePolicy,
        Integer catchUpLimit,
        int priority,
        RetryPolicy retry,
        Long executionTimeoutSeconds,
        Integer maxConcurrentRuns,
        List<String> contentionProfiles,
        long definitionVersion,
        Instant createdAt,
        Instant updatedAt) {

    public record Dependency(String task, List<OutputMapping> mappings) {
        static Dependency of(DependencySnapshot d) {
            return new Dependency(d.task(), d.mappings());
        }
    }

    public record Schedule(UUID id, String cron, String timeZone) {
        static Schedule of(ScheduleSnapshot s) {
            return new Schedule(s.scheduleId(), s.cron(), s.timeZone());
        }
    }

    static TaskView of(Task task, TaskSnapshot s) {
        return new TaskView(s.taskId(), s.name(), s.job().name(), s.job().platform().name(), s.job().jobType(),
                s.parameters(), s.dependencies().stream().map(Dependency::of).toList(),
                s.schedules().stream().map(Schedule::of).toList(), s.misfirePolicy(), s.catchUpLimit(),
                s.priority(), s.retry(), s.executionTimeoutSeconds(), s.maxConcurrentRuns(),
                s.contentionProfiles(), s.definitionVersion(), task.createdAt(), task.updatedAt());
    }
}
