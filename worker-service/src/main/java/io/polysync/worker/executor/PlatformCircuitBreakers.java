package io.polysync.worker.executor;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.worker.config.WorkerProperties;

import java.util.Locale;

/**
 * One Resilience4j circuit breaker per platform, created on first use: when a platform keeps failing (5xx,
 * connection errors, timeouts), its runs fail fast for a while instead of piling onto it. Breakers live in this
 * worker's memory only; every worker judges a platform by its own calls. Thread-safe.
 *
 * <p>Meters: {@code polysync.worker.circuit.breaker.state{platform, state}} is 1 for a breaker's current state and 0
 * for the others, registered when the breaker is created (platforms are bounded by the definitions);
 * {@code polysync.worker.circuit.breakers{state}} counts the breakers in each state and exists from start-up.
 */
public class PlatformCircuitBreakers {

    /** The states operators see; Resilience4j's forced and disabled states map onto the nearest of them. */
    enum State { CLOSED, OPEN, HALF_OPEN }

    private final CircuitBreakerRegistry registry;
    private final MeterRegistry meters;

    public PlatformCircuitBreakers(WorkerProperties.CircuitBreaker settings, MeterRegistry meters) {
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
        this.meters = meters;
        for (State state : State.values()) {
            Gauge.builder("polysync.worker.circuit.breakers", this, breakers -> breakers.countIn(state))
                    .description("This worker's platform circuit breakers in each state")
                    .tag("state", tag(state))
                    .register(meters);
        }
        registry.getEventPublisher().onEntryAdded(event -> registerState(event.getAddedEntry()));
    }

    private void registerState(CircuitBreaker breaker) {
        for (State state : State.values()) {
            Gauge.builder("polysync.worker.circuit.breaker.state", breaker, b -> state(b) == state ? 1 : 0)
                    .description("1 for the platform breaker's current state, 0 for the others")
                    .tag("platform", breaker.getName())
                    .tag("state", tag(state))
                    .register(meters);
        }
    }

    private double countIn(State state) {
        return registry.getAllCircuitBreakers().stream().filter(b -> state(b) == state).count();
    }

    static State state(CircuitBreaker breaker) {
        return switch (breaker.getState()) {
            case OPEN, FORCED_OPEN -> State.OPEN;
            case HALF_OPEN -> State.HALF_OPEN;
            case CLOSED, DISABLED, METRICS_ONLY -> State.CLOSED;
        };
    }

    private static String tag(State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    /** The breaker of the named platform. */
    public CircuitBreaker of(String platform) {
        return registry.circuitBreaker(platform);
    }
}
