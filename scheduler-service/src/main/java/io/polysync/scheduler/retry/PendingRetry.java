package io.polysync.scheduler.retry;

import io.polysync.model.event.RetryScheduled;
import io.polysync.model.event.TriggerRequested;
import io.polysync.model.id.Ids;
import io.polysync.model.run.TriggerType;

import java.time.Instant;
import java.util.UUID;

/**
 * A retry waiting for its backoff delay.
 *
 * @param failedRunId       the run that failed; the retry's key (DESIGN.md section 10 rule 1)
 * @param attempt           the retry's attempt number: the failed attempt + 1
 * @param definitionVersion the failed run's definition version, which the retry executes again
 */
public record PendingRetry(UUID failedRunId, UUID taskId, String taskName, int attempt, UUID retryRunId,
                           long definitionVersion, Instant dueAt) {

    static final String REQUESTED_BY = "scheduler";

    static UUID triggerIdOf(UUID taskId, UUID failedRunId) {
        return Ids.triggerId(taskId, TriggerType.RETRY, failedRunId.toString());
    }

    static UUID retryRunIdOf(UUID taskId, UUID failedRunId) {
        return Ids.runId(triggerIdOf(taskId, failedRunId));
    }

    RetryScheduled scheduled(Instant now) {
        return new RetryScheduled(failedRunId, taskId, attempt, retryRunId, dueAt, now);
    }

    /** No inputs: the dispatcher copies the effective parameters of the {@code retryOf} run from its ledger. */
    TriggerRequested trigger(Instant now) {
        UUID triggerId = triggerIdOf(taskId, failedRunId);
        return new TriggerRequested(triggerId, Ids.runId(triggerId), taskId, taskName, TriggerType.RETRY, null, null,
                attempt, failedRunId, definitionVersion, REQUESTED_BY, null, now);
    }
}
