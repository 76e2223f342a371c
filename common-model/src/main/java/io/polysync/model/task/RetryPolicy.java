package io.polysync.model.task;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * A task's retry configuration (DESIGN.md section 6 and section 10 rule 12). {@code maxRetryAttempts} counts the
 * retries after the first attempt: 3 means up to 4 runs.
 */
public record RetryPolicy(
        boolean enabled,
        int maxRetryAttempts,
        Backoff backoff,
        long initialDelaySeconds,
        Long maxDelaySeconds,
        boolean jitter) {

    public static final RetryPolicy NONE = new RetryPolicy(false, 0, Backoff.FIXED, 0, null, false);

    public RetryPolicy {
        backoff = backoff == null ? Backoff.FIXED : backoff;
    }

    /** Whether a failed run of this attempt (1 for the first run) may be retried once more. */
    public boolean allowsRetryAfter(int attempt) {
        return enabled && attempt <= maxRetryAttempts;
    }

    /** The delay before retry {@code n} (1 for the first retry), capped by the max delay, without jitter. */
    public Duration delayBeforeRetry(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("retry numbers start at 1, got " + n);
        }
        long seconds = switch (backoff) {
            case FIXED -> initialDelaySeconds;
            case LINEAR -> saturatedMultiply(initialDelaySeconds, n);
            case EXPONENTIAL -> n > 62 ? Long.MAX_VALUE : saturatedMultiply(initialDelaySeconds, 1L << (n - 1));
        };
        if (maxDelaySeconds != null) {
            seconds = Math.min(seconds, maxDelaySeconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /**
     * The delay with jitter applied when enabled: a uniformly random point between half the delay and the full
     * delay, so retries of many runs that failed together spread out without ever exceeding the cap.
     */
    public Duration delayBeforeRetry(int n, DoubleSupplier random) {
        Duration delay = delayBeforeRetry(n);
        if (!jitter) {
            return delay;
        }
        long millis = delay.toMillis();
        return Duration.ofMillis(millis / 2 + Math.round(random.getAsDouble() * (millis - millis / 2)));
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        return (high == 0 && low >= 0) ? low : Long.MAX_VALUE;
    }
}
