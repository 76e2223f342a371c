package io.polysync.model.task;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {

    @Test
    void fixedIsTheInitialDelayEachTime() {
        RetryPolicy p = new RetryPolicy(true, 3, Backoff.FIXED, 10, 300L, false);
        assertThat(p.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayBeforeRetry(3)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void linearMultipliesByTheRetryNumber() {
        RetryPolicy p = new RetryPolicy(true, 5, Backoff.LINEAR, 10, 35L, false);
        assertThat(p.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayBeforeRetry(3)).isEqualTo(Duration.ofSeconds(30));
        assertThat(p.delayBeforeRetry(4)).isEqualTo(Duration.ofSeconds(35));
    }

    @Test
    void exponentialDoublesAndIsCapped() {
        RetryPolicy p = new RetryPolicy(true, 100, Backoff.EXPONENTIAL, 10, 300L, false);
        assertThat(p.delayBeforeRetry(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(p.delayBeforeRetry(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(p.delayBeforeRetry(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(p.delayBeforeRetry(6)).isEqualTo(Duration.ofSeconds(300));
        assertThat(p.delayBeforeRetry(90)).isEqualTo(Duration.ofSeconds(300));
    }

    @Test
    void jitterStaysBetweenHalfAndTheFullDelay() {
        RetryPolicy p = new RetryPolicy(true, 3, Backoff.FIXED, 10, null, true);
        assertThat(p.delayBeforeRetry(1, () -> 0.0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(p.delayBeforeRetry(1, () -> 1.0)).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void maxRetryAttemptsCountsRetriesAfterTheFirstAttempt() {
        RetryPolicy p = new RetryPolicy(true, 3, Backoff.FIXED, 1, null, false);
        assertThat(p.allowsRetryAfter(1)).isTrue();
        assertThat(p.allowsRetryAfter(3)).isTrue();
        assertThat(p.allowsRetryAfter(4)).isFalse();
        assertThat(RetryPolicy.NONE.allowsRetryAfter(1)).isFalse();
    }
}
