package io.polysync.scheduler.retry;

import io.polysync.model.event.RunStateChanged;
import io.polysync.model.id.Ids;
import io.polysync.model.run.FailureReason;
import io.polysync.model.run.RunError;
import io.polysync.model.run.RunState;
import io.polysync.model.run.TriggerType;
import io.polysync.model.task.Backoff;
import io.polysync.model.task.RetryPolicy;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.DoubleSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class RetryDecisionTest {

    private static final Instant FAILED_AT = Instant.parse("2026-11-28T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T12:00:00Z"), ZoneOffset.UTC);
    private static final DoubleSupplier NO_JITTER = () -> 1.0;

    private final UUID taskId = UUID.randomUUID();

    @Test
    void fixedBackoffWaitsTheInitialDelayBeforeEveryRetry() {
        RetryPolicy policy = new RetryPolicy(true, 3, Backoff.FIXED, 10, null, false);

        assertThat(delays(policy, 3)).containsExactly(seconds(10), seconds(10), seconds(10));
    }

    @Test
    void linearBackoffGrowsWithTheRetryNumberUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(true, 5, Backoff.LINEAR, 10, 35L, false);

        assertThat(delays(policy, 5)).containsExactly(seconds(10), seconds(20), seconds(30), seconds(35), seconds(35));
    }

    @Test
    void exponentialBackoffDoublesUpToTheCap() {
        RetryPolicy policy = new RetryPolicy(true, 6, Backoff.EXPONENTIAL, 2, 20L, false);

        assertThat(delays(policy, 6))
                .containsExactly(seconds(2), seconds(4), seconds(8), seconds(16), seconds(20), seconds(20));
    }

    @Test
    void jitterStaysBetweenHalfTheDelayAndTheDelay() {
        RetryPolicy policy = new RetryPolicy(true, 4, Backoff.EXPONENTIAL, 10, 60L, true);

        for (int attempt = 1; attempt <= 4; attempt++) {
            Duration full = policy.delayBeforeRetry(attempt);
            assertThat(delay(policy, attempt, () -> 0.0)).isEqualTo(full.dividedBy(2));
            assertThat(delay(policy, attempt, () -> 1.0)).isEqualTo(full);
            for (int i = 0; i < 200; i++) {
                UUID runId = UUID.randomUUID();
                assertThat(delay(policy, attempt, RetryDecision.jitterOf(runId)))
                        .isBetween(full.dividedBy(2), full);
            }
        }
    }

    @Test
    void theJitterOfOneFailedRunIsTheSameEveryTime() {
        RetryPolicy policy = new RetryPolicy(true, 1, Backoff.FIXED, 100, null, true);
        RunStateChanged failed = failed(1, RunError.retryable(FailureReason.LOST, "lease expired"));

        Instant first = RetryDecision.decide(failed, policy, RetryDecision.jitterOf(failed.runId()), CLOCK)
                .orElseThrow().dueAt();
        Instant replayed = RetryDecision.decide(failed, policy, RetryDecision.jitterOf(failed.runId()), CLOCK)
                .orElseThrow().dueAt();

        assertThat(replayed).isEqualTo(first);
    }

    @Test
    void aRetryableFailureWithRetriesLeftIsRetriedAsTheNextAttempt() {
        RetryPolicy policy = new RetryPolicy(true, 2, Backoff.LINEAR, 5, null, false);
        RunStateChanged failed = failed(2, RunError.retryable(FailureReason.TIMED_OUT, "timed out"));

        PendingRetry retry = RetryDecision.decide(failed, policy, NO_JITTER, CLOCK).orElseThrow();

        assertThat(retry.failedRunId()).isEqualTo(failed.runId());
        assertThat(retry.attempt()).isEqualTo(3);
        assertThat(retry.dueAt()).isEqualTo(FAILED_AT.plusSeconds(10));
        assertThat(retry.definitionVersion()).isEqualTo(7);
        UUID triggerId = Ids.triggerId(taskId, TriggerType.RETRY, failed.runId().toString());
        assertThat(retry.retryRunId()).isEqualTo(Ids.runId(triggerId));
        assertThat(retry.trigger(CLOCK.instant())).satisfies(trigger -> {
            assertThat(trigger.triggerId()).isEqualTo(triggerId);
            assertThat(trigger.runId()).isEqualTo(retry.retryRunId());
            assertThat(trigger.triggerType()).isEqualTo(TriggerType.RETRY);
            assertThat(trigger.attempt()).isEqualTo(3);
            assertThat(trigger.retryOf()).isEqualTo(failed.runId());
            assertThat(trigger.definitionVersion()).isEqualTo(7);
            assertThat(trigger.mappedInputs()).isEmpty();
            assertThat(trigger.overrides()).isEmpty();
            assertThat(trigger.requestedBy()).isEqualTo("scheduler");
        });
    }

    @Test
    void withoutAFinishTimeTheDelayCountsFromTheEvent() {
        RetryPolicy policy = new RetryPolicy(true, 1, Backoff.FIXED, 5, null, false);
        RunStateChanged failed = failed(1, RunError.retryable(FailureReason.LOST, "lost"));
        RunStateChanged withoutFinish = new RunStateChanged(failed.runId(), taskId, "t", TriggerType.MANUAL, 1, null,
                RunState.QUEUED, RunState.FAILED, "lost", failed.error(), null, null, 7, "api", null, FAILED_AT, null,
                null, FAILED_AT.plusSeconds(3));

        assertThat(RetryDecision.decide(withoutFinish, policy, NO_JITTER, CLOCK).orElseThrow().dueAt())
                .isEqualTo(FAILED_AT.plusSeconds(8));
    }

    @Test
    void nothingFollowsTheLastAttemptANonRetryableErrorOrADisabledPolicy() {
        RetryPolicy policy = new RetryPolicy(true, 2, Backoff.FIXED, 1, null, false);
        RunError retryable = RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1");

        assertThat(decide(failed(3, retryable), policy)).isEmpty();
        assertThat(decide(failed(1, RunError.nonRetryable("HTTP 404")), policy)).isEmpty();
        assertThat(decide(failed(1, null), policy)).isEmpty();
        assertThat(decide(failed(1, retryable), new RetryPolicy(false, 2, Backoff.FIXED, 1, null, false))).isEmpty();
        assertThat(decide(failed(1, retryable), RetryPolicy.NONE)).isEmpty();
        assertThat(decide(failed(1, retryable), null)).isEmpty();
    }

    @Test
    void onlyFailuresAreRetried() {
        RetryPolicy policy = new RetryPolicy(true, 2, Backoff.FIXED, 1, null, false);
        RunStateChanged failed = failed(1, RunError.retryable(FailureReason.LOST, "lost"));
        for (RunState state : List.of(RunState.SUCCEEDED, RunState.CANCELLED, RunState.RUNNING)) {
            RunStateChanged other = new RunStateChanged(failed.runId(), taskId, "t", TriggerType.MANUAL, 1, null,
                    RunState.RUNNING, state, "r", failed.error(), null, "w", 7, "api", null, FAILED_AT, FAILED_AT,
                    FAILED_AT, FAILED_AT);
            assertThat(decide(other, policy)).isEmpty();
        }
    }

    private List<Duration> delays(RetryPolicy policy, int retries) {
        return IntStream.rangeClosed(1, retries).mapToObj(attempt -> delay(policy, attempt, NO_JITTER)).toList();
    }

    /** The delay decided after attempt {@code attempt} failed (so before retry number {@code attempt}). */
    private Duration delay(RetryPolicy policy, int attempt, DoubleSupplier random) {
        RunStateChanged failed = failed(attempt, RunError.retryable(FailureReason.EXECUTION_FAILED, "exit 1"));
        PendingRetry retry = RetryDecision.decide(failed, policy, random, CLOCK).orElseThrow();
        assertThat(retry.attempt()).isEqualTo(attempt + 1);
        return Duration.between(FAILED_AT, retry.dueAt());
    }

    private Optional<PendingRetry> decide(RunStateChanged changed, RetryPolicy policy) {
        return RetryDecision.decide(changed, policy, NO_JITTER, CLOCK);
    }

    private RunStateChanged failed(int attempt, RunError error) {
        return new RunStateChanged(UUID.randomUUID(), taskId, "t", attempt == 1 ? TriggerType.MANUAL : TriggerType.RETRY,
                attempt, null, RunState.RUNNING, RunState.FAILED, "failed", error, null, "w-1", 7, "api", null,
                FAILED_AT.minusSeconds(60), FAILED_AT.minusSeconds(30), FAILED_AT, FAILED_AT.plusMillis(5));
    }

    private static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
