package io.polysync.worker.executor;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.worker.config.WorkerProperties;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class PlatformCircuitBreakersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final PlatformCircuitBreakers breakers = new PlatformCircuitBreakers(
            new WorkerProperties.CircuitBreaker(50, 10, Duration.ofSeconds(30)), meters);

    @Test
    void theCountPerStateExistsFromStartAndEachPlatformShowsItsCurrentState() {
        assertThat(meters.find("polysync.worker.circuit.breakers").gauges()).hasSize(3)
                .allSatisfy(g -> assertThat(g.value()).isZero());
        assertThat(meters.find("polysync.worker.circuit.breaker.state").gauges()).isEmpty();

        CircuitBreaker billing = breakers.of("billing-api");
        breakers.of("crm-api");
        assertThat(state("billing-api", "closed")).isEqualTo(1);
        assertThat(state("billing-api", "open")).isZero();
        assertThat(count("closed")).isEqualTo(2);

        billing.transitionToOpenState();
        assertThat(state("billing-api", "open")).isEqualTo(1);
        assertThat(state("billing-api", "closed")).isZero();
        assertThat(count("open")).isEqualTo(1);

        billing.transitionToHalfOpenState();
        assertThat(state("billing-api", "half_open")).isEqualTo(1);
        assertThat(count("half_open")).isEqualTo(1);
        assertThat(meters.find("polysync.worker.circuit.breaker.state").gauges()).hasSize(6);
    }

    private double state(String platform, String state) {
        return meters.get("polysync.worker.circuit.breaker.state").tag("platform", platform).tag("state", state)
                .gauge().value();
    }

    private double count(String state) {
        return meters.get("polysync.worker.circuit.breakers").tag("state", state).gauge().value();
    }
}
