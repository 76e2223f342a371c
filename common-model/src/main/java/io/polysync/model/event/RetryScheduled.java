package io.polysync.model.event;

import java.time.Instant;
import java.util.UUID;

/** The scheduler stored a pending retry of {@code runId}: attempt {@code attempt} will be triggered at {@code dueAt}. */
public record RetryScheduled(UUID runId, UUID taskId, int attempt, UUID retryRunId, Instant dueAt, Instant occurredAt)
        implements RunEvent {
}
