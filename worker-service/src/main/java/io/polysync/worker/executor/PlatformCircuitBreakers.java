package io.polysync.worker.executor;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.polysync.worker.config.WorkerProperties;

/**
 * One Resilience4j circuit breaker per platform, created on first use: when a platform keeps failing (5xx,
 * connection errors, timeouts), its runs fail fast for a while instead of piling onto it. Breakers live in this
 * worker's memory only; every worker judges a platform by its own calls. Thread-safe.
 */
public class PlatformCircuitBreakers {

    private final CircuitBreakerRegistry registry;

    public PlatformCircuitBreakers(WorkerProperties.CircuitBreaker settings) {
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.windowSize())
                .minimumNumberOfCalls(settings.windowSize())
                .failureRateThreshold(settings.failureRateThreshold())
                .waitDurationInOpenState(settings.waitInOpenState())
                // after the wait, one trial call decides whether the platform is back
                .permittedNumberOfCallsInHalfOpenState(1)
                .build();
        this.registry = CircuitBreakerRegistry.of(config);
    }

    /** The breaker of the named platform. */
    public CircuitBreaker of(String platform) {
        return registry.circuitBreaker(platform);
    }
}
