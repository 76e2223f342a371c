package io.polysync.worker.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.execution.JobExecutorRegistry;
import io.polysync.worker.execution.RunExecution;
import io.polysync.worker.execution.RunReporter;
import io.polysync.worker.messaging.KafkaRunReporter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/** Wires run execution to Kafka: one listener consumer per parallel run, reports through the template. */
@Configuration(proxyBeanMethods = false)
public class ExecutionConfiguration {

    @Bean
    RunReporter runReporter(KafkaTemplate<String, String> kafka, WorkerProperties properties) {
        return new KafkaRunReporter(kafka, properties.reportTimeout());
    }

    @Bean
    RunExecution runExecution(JobExecutorRegistry registry, JobTypeCatalog catalog, RunReporter reporter,
                              WorkerProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters) {
        return new RunExecution(registry, catalog, reporter, properties, clock,
                meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /**
     * Replaces Boot's default factory (same name) only to tie the consumer count to
     * {@code polysync.worker.concurrency}: each consumer executes one run at a time in its own thread.
     */
    @Bean
    ConcurrentKafkaListenerContainerFactory<Object, Object> kafkaListenerContainerFactory(
            ConcurrentKafkaListenerContainerFactoryConfigurer configurer, ConsumerFactory<Object, Object> consumerFactory,
            WorkerProperties properties) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, consumerFactory);
        factory.setConcurrency(properties.concurrency());
        return factory;
    }
}
