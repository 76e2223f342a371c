package io.polysync.task.definition;

import io.polysync.model.task.Backoff;
import io.polysync.model.task.RetryPolicy;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;

/** A task's retry policy as columns, so retry settings stay queryable. */
@Embeddable
public class RetrySettings {

    @Column(name = "retry_enabled", nullable = false)
    private boolean enabled;

    @Column(name = "retry_max_attempts", nullable = false)
    private int maxRetryAttempts;

    @Enumerated(EnumType.STRING)
    @Column(name = "retry_backoff", nullable = false)
    private Backoff backoff;

    @Column(name = "retry_initial_delay_seconds", nullable = false)
    private long initialDelaySeconds;

    @Column(name = "retry_max_delay_seconds")
    private Long maxDelaySeconds;

    @Column(name = "retry_jitter", nullable = false)
    private boolean jitter;

    protected RetrySettings() {
    }

    static RetrySettings of(RetryPolicy policy) {
        RetrySettings s = new RetrySettings();
        s.enabled = policy.enabled();
        s.maxRetryAttempts = policy.maxRetryAttempts();
        s.backoff = policy.backoff();
        s.initialDelaySeconds = policy.initialDelaySeconds();
        s.maxDelaySeconds = policy.maxDelaySeconds();
        s.jitter = policy.jitter();
        return s;
    }

    RetryPolicy policy() {
        return new RetryPolicy(enabled, maxRetryAttempts, backoff, initialDelaySeconds, maxDelaySeconds, jitter);
    }
}
