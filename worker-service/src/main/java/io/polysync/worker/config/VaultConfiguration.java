package io.polysync.worker.config;

import io.polysync.worker.vault.ParameterResolver;
import io.polysync.worker.vault.SecretSource;
import io.polysync.worker.vault.TaskServiceSecretSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.time.Duration;

/** Vault references resolved through the task-service's internal API just before each job executes. */
@Configuration(proxyBeanMethods = false)
public class VaultConfiguration {

    /** Short: a task-service that does not answer quickly fails the run as retryable instead of holding its slot. */
    private static final Duration SECRET_TIMEOUT = Duration.ofSeconds(5);

    @Bean
    SecretSource secretSource(WorkerProperties properties) {
        return new TaskServiceSecretSource(properties.taskServiceUrl(), properties.internalToken(), SECRET_TIMEOUT);
    }

    @Bean
    ParameterResolver parameterResolver(SecretSource secretSource) {
        return new ParameterResolver(secretSource);
    }
}
