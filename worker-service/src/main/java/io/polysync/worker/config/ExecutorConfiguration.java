package io.polysync.worker.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.polysync.model.jobtype.JobTypeCatalog;
import io.polysync.worker.execution.JobExecutor;
import io.polysync.worker.execution.JobExecutorRegistry;
import io.polysync.worker.executor.HttpRequestExecutor;
import io.polysync.worker.executor.KafkaPublishExecutor;
import io.polysync.worker.executor.NoopExecutor;
import io.polysync.worker.executor.PlatformCircuitBreakers;
import io.polysync.worker.executor.ShellCommandExecutor;
import io.polysync.worker.executor.SqlQueryExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.List;

/** The built-in executors; any other {@link JobExecutor} bean joins the registry the same way. */
@Configuration(proxyBeanMethods = false)
public class ExecutorConfiguration {

    @Bean
    JobTypeCatalog jobTypeCatalog() {
        return JobTypeCatalog.builtIn();
    }

    @Bean
    NoopExecutor noopExecutor() {
        return new NoopExecutor();
    }

    @Bean
    HttpRequestExecutor httpRequestExecutor(WorkerProperties properties, MeterRegistry meters) {
        return new HttpRequestExecutor(properties.http().defaultTimeout(),
                new PlatformCircuitBreakers(properties.http().circuitBreaker(), meters));
    }

    @Bean
    ShellCommandExecutor shellCommandExecutor(WorkerProperties properties) {
        return new ShellCommandExecutor(properties.shell().killGracePeriod());
    }

    @Bean
    SqlQueryExecutor sqlQueryExecutor() {
        return new SqlQueryExecutor();
    }

    @Bean
    KafkaPublishExecutor kafkaPublishExecutor() {
        return new KafkaPublishExecutor();
    }

    @Bean
    JobExecutorRegistry jobExecutorRegistry(List<JobExecutor> executors, JobTypeCatalog catalog) {
        return new JobExecutorRegistry(executors, catalog);
    }
}
