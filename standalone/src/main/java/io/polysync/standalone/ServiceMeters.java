package io.polysync.standalone;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

import java.util.List;

/**
 * Each service's own meter registry in the one-JVM mode, added to every service context: a composite whose only
 * member is the parent's shared Prometheus registry. Spring Boot treats it as the service's registry, so the
 * service's filters (its {@code service} tag) and meter binders (JVM, Hikari pool, Kafka clients, HTTP) apply to it,
 * and everything it registers lands in the one registry {@code /actuator/prometheus} exposes.
 */
@Configuration(proxyBeanMethods = false)
class ServiceMeters {

    @Bean
    @Primary
    CompositeMeterRegistry serviceMeterRegistry(PrometheusMeterRegistry shared) {
        return new CompositeMeterRegistry(Clock.SYSTEM, List.of(shared));
    }
}
