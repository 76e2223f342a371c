package io.polysync.task.definition;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.MisfirePolicy;

import java.util.List;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/tasks}: one field per item of the task editor. Read-only fields of the answer
 * ({@code id}, {@code platform}, {@code jobType}, {@code definitionVersion}, timestamps) may be sent back and are
 * ignored; any other unknown field is an error.
 */
@JsonIgnoreProperties({"id", "platform", "jobType", "definitionVersion", "createdAt", "updatedAt"})
public record TaskRequest(
        String name,
        String job,
        Map<String, Object> parameters,
        List<Dependency> dependencies,
        List<Schedule> schedules,
        MisfirePolicy misfirePolicy,
        Integer catchUpLimit,
        Integer priority,
        Retry retry,
        Long executionTimeoutSeconds,
        Integer maxConcurrentRuns,
        List<String> contentionProfiles) {

    /** An upstream task, with parent outputs copied into this task's inputs. */
    public record Dependency(String task, List<Mapping> mappings) {
    }

    public record Mapping(String output, String input) {
    }

    /** A cron expression (5 fields, 6 with seconds first, or a macro) in a time zone (default UTC). */
    @JsonIgnoreProperties({"id"})
    public record Schedule(String cron, String timeZone) {
    }

    /** Absent fields take the defaults of {@link TaskValidator}. */
    public record Retry(Boolean enabled, Integer maxRetryAttempts, Backoff backoff, Long initialDelaySeconds,
                        Long maxDelaySeconds, Boolean jitter) {
    }
}
