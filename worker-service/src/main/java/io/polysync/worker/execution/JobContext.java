package io.polysync.worker.execution;

import io.polysync.model.task.PlatformSnapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * What an executor gets for one attempt: the run's identity, the platform as it was when the run was triggered and
 * the effective parameters.
 *
 * @param deadline when the execution timeout expires (the thread is interrupted then); null when there is none
 */
public record JobContext(
        UUID runId,
        UUID taskId,
        String taskName,
        int attempt,
        PlatformSnapshot platform,
        Map<String, Object> parameters,
        Instant deadline) {

    public JobContext {
        platform = platform == null ? new PlatformSnapshot(null, null, null, Map.of()) : platform;
        parameters = parameters == null ? Map.of() : parameters;
    }

    public Optional<Instant> deadlineIfAny() {
        return Optional.ofNullable(deadline);
    }

    /** The parameters, read with type checks that fail as {@code INVALID_PARAMETERS}. */
    public JobValues params() {
        return new JobValues("parameter", parameters);
    }

    /** The platform's config, read with the same checks. */
    public JobValues platformConfig() {
        return new JobValues("platform config", platform.config());
    }
}
