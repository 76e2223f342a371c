package io.polysync.worker.config;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkerPropertiesTest {

    private static WorkerProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("polysync.worker", WorkerProperties.class);
    }

    @Test
    void hasSafeDefaultsAndAFreshWorkerIdPerInstance() {
        WorkerProperties one = bind(Map.of());
        WorkerProperties two = bind(Map.of());

        assertThat(one.concurrency()).isEqualTo(4);
        assertThat(one.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(one.shell().killGracePeriod()).isEqualTo(Duration.ofSeconds(5));
        assertThat(one.http().defaultTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(one.workerId()).isNotBlank().isNotEqualTo(two.workerId());
    }

    @Test
    void bindsConfiguredValues() {
        WorkerProperties properties = bind(Map.of("polysync.worker.worker-id", "w-7",
                "polysync.worker.concurrency", "8", "polysync.worker.heartbeat-interval", "250ms",
                "polysync.worker.shell.kill-grace-period", "1s", "polysync.worker.http.default-timeout", "2m"));

        assertThat(properties.workerId()).isEqualTo("w-7");
        assertThat(properties.concurrency()).isEqualTo(8);
        assertThat(properties.heartbeatInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(properties.shell().killGracePeriod()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.http().defaultTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void bindsTheTaskServiceAndCircuitBreakerSettingsWithDefaults() {
        WorkerProperties defaults = bind(Map.of());
        WorkerProperties properties = bind(Map.of("polysync.worker.task-service-url", "http://tasks:9000",
                "polysync.worker.internal-token", "t0k", "polysync.worker.http.circuit-breaker.window-size", "4",
                "polysync.worker.http.circuit-breaker.failure-rate-threshold", "75",
                "polysync.worker.http.circuit-breaker.wait-in-open-state", "5s"));

        assertThat(defaults.taskServiceUrl()).isEqualTo("http://localhost:8080");
        assertThat(defaults.internalToken()).isNull();
        assertThat(defaults.http().circuitBreaker())
                .isEqualTo(new WorkerProperties.CircuitBreaker(50, 10, Duration.ofSeconds(30)));
        assertThat(properties.taskServiceUrl()).isEqualTo("http://tasks:9000");
        assertThat(properties.internalToken()).isEqualTo("t0k");
        assertThat(properties.http().circuitBreaker())
                .isEqualTo(new WorkerProperties.CircuitBreaker(75, 4, Duration.ofSeconds(5)));
    }

    @Test
    void sharesLowerBandsATenthAndGivesRunsThirtySecondsOnShutdownByDefault() {
        WorkerProperties properties = bind(Map.of());

        assertThat(properties.lowerBandShare()).isEqualTo(0.1);
        assertThat(properties.shutdownGrace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(bind(Map.of("polysync.worker.lower-band-share", "0.25", "polysync.worker.shutdown-grace", "2s")))
                .satisfies(bound -> {
                    assertThat(bound.lowerBandShare()).isEqualTo(0.25);
                    assertThat(bound.shutdownGrace()).isEqualTo(Duration.ofSeconds(2));
                });
    }

    @Test
    void refusesALowerBandShareAboveOneHalf() {
        assertThatThrownBy(() -> bind(Map.of("polysync.worker.lower-band-share", "0.6")))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAConcurrencyBelowOne() {
        assertThatThrownBy(() -> bind(Map.of("polysync.worker.concurrency", "0")))
                .hasRootCauseInstanceOf(IllegalArgumentException.class);
    }
}
