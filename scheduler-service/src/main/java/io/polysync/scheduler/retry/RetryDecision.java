package io.polysync.scheduler.retry;

import io.polysync.model.event.RunStateChanged;
import io.polysync.model.run.RunState;
import io.polysync.model.task.RetryPolicy;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.DoubleSupplier;

/**
 * Whether a run event calls for a retry, and when (DESIGN.md section 6): a FAILED attempt n whose error is retryable
 * and whose task's policy allows a retry after n is retried as attempt n + 1, the policy's delay before retry n after
 * the failure.
 */
public final class RetryDecision {

    private RetryDecision() {
    }

    public static Optional<PendingRetry> decide(RunStateChanged changed, RetryPolicy policy, DoubleSupplier random,
                                                Clock clock) {
        if (changed.state() != RunState.FAILED || changed.error() == null || !changed.error().retryable()
                || policy == null || !policy.allowsRetryAfter(changed.attempt())) {
            return Optional.empty();
        }
        Instant failedAt = changed.finishedAt() != null ? changed.finishedAt()
                : changed.occurredAt() != null ? changed.occurredAt() : clock.instant();
        Instant dueAt = failedAt.plus(policy.delayBeforeRetry(changed.attempt(), random));
        return Optional.of(new PendingRetry(changed.runId(), changed.taskId(), changed.taskName(),
                changed.attempt() + 1, PendingRetry.retryRunIdOf(changed.taskId(), changed.runId()),
                changed.definitionVersion(), dueAt));
    }

    /**
     * The jitter of one failed run, drawn from its id: a replayed failure, on any replica, computes the same due time
     * and so announces the same {@code RetryScheduled}.
     */
    public static DoubleSupplier jitterOf(UUID failedRunId) {
        SplittableRandom random = new SplittableRandom(
                failedRunId.getMostSignificantBits() ^ failedRunId.getLeastSignificantBits());
        return random::nextDouble;
    }
}
