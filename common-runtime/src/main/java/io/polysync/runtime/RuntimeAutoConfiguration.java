package io.polysync.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.polysync.runtime.kafka.ConsumerLagMonitor;
import io.polysync.runtime.kafka.DeadLetterConfiguration;
import io.polysync.runtime.kafka.ListenerCommitConfiguration;
import io.polysync.runtime.kafka.PolysyncTopicsConfiguration;
import io.polysync.runtime.maintenance.TableMaintenance;
import io.polysync.runtime.outbox.Outbox;
import io.polysync.runtime.metrics.ServiceTag;
import io.polysync.runtime.outbox.OutboxMetrics;
import io.polysync.runtime.outbox.OutboxRelay;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Duration;

/** The runtime plumbing every Polysync service gets by depending on this module. */
@AutoConfiguration(afterName = {
        "org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
        "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@EnableConfigurationProperties(RuntimeProperties.class)
@Import({PolysyncTopicsConfiguration.class, DeadLetterConfiguration.class, ListenerCommitConfiguration.class,
        RuntimeAutoConfiguration.OutboxConfiguration.class})
public class RuntimeAutoConfiguration {

    /**
     * Ticks in microseconds, the precision of PostgreSQL's timestamp columns, so an event carries exactly the
     * instants the database stored and a read model compares them without rounding surprises.
     */
    /** See {@link ServiceTag}: every meter of this service is tagged with its name. */
    @Bean
    public MeterFilter polysyncServiceTag(Environment environment) {
        return ServiceTag.filter(environment.getProperty("spring.application.name", "polysync"));
    }

    @Bean
    @ConditionalOnProperty(name = "polysync.runtime.lag-monitor.enabled", havingValue = "true")
    public ConsumerLagMonitor consumerLagMonitor(KafkaAdmin kafkaAdmin, MeterRegistry meters,
                                                RuntimeProperties properties) {
        return new ConsumerLagMonitor(() -> Admin.create(kafkaAdmin.getConfigurationProperties()), meters,
                properties.lagMonitor());
    }

    @Bean
    @ConditionalOnMissingBean
    public Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1_000));
    }

    /** Only for services with a database (the worker has none). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.jdbc.core.JdbcTemplate")
    static class OutboxConfiguration {

        @Bean
        @ConditionalOnBean({JdbcTemplate.class, PlatformTransactionManager.class})
        OutboxMetrics outboxMetrics(JdbcTemplate jdbc, Clock clock, RuntimeProperties properties,
                                    MeterRegistry meters) {
            return new OutboxMetrics(jdbc, clock, properties.outbox().metricsInterval(), meters);
        }

        @Bean
        @ConditionalOnBean({JdbcTemplate.class, PlatformTransactionManager.class})
        OutboxRelay outboxRelay(JdbcTemplate jdbc, PlatformTransactionManager transactions,
                                KafkaTemplate<String, String> kafka, RuntimeProperties properties,
                                OutboxMetrics metrics) {
            return new OutboxRelay(jdbc, new TransactionTemplate(transactions), kafka, properties.outbox(), metrics);
        }

        @Bean
        @ConditionalOnBean(JdbcTemplate.class)
        @ConditionalOnProperty(name = "polysync.runtime.maintenance.enabled", havingValue = "true",
                matchIfMissing = true)
        TableMaintenance tableMaintenance(JdbcTemplate jdbc, RuntimeProperties properties, MeterRegistry meters) {
            return new TableMaintenance(jdbc, properties.maintenance().interval(), meters);
        }

        @Bean
        @ConditionalOnBean(OutboxRelay.class)
        Outbox outbox(JdbcTemplate jdbc, OutboxRelay relay, Clock clock, RuntimeProperties properties) {
            return new Outbox(jdbc, relay, clock, properties.outbox().haltAfterCommits());
        }
    }
}
