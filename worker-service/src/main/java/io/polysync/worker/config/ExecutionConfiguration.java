package io.polysync.worker.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.execution.JobExecutorRegistry;
import io.polysync.worker.execution.RunExecution;
import io.polysync.worker.execution.RunReporter;
import io.polysync.worker.messaging.KafkaRunReporter;
import io.polysync.worker.vault.ParameterResolver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;

import java.time.Clock;

/** Wires run execution to Kafka: reports go through the template; runs come in through {@code RunSlots}. */
@Configuration(proxyBeanMethods = false)
public class ExecutionConfiguration {

    @Bean
    RunReporter runReporter(KafkaTemplate<String, String> kafka, WorkerProperties properties) {
        return new KafkaRunReporter(kafka, properties.reportTimeout());
    }

    @Bean
    RunExecution runExecution(JobExecutorRegistry registry, JobTypeCatalog catalog, RunReporter reporter,
                              WorkerProperties properties, Clock clock, ObjectProvider<MeterRegistry> meters,
                              ParameterResolver resolver) {
        return new RunExecution(registry, catalog, reporter, properties, clock,
                meters.getIfAvailable(SimpleMeterRegistry::new), resolver);
    }
}
